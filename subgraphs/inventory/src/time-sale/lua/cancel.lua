-- Withdraws a sale: no claim is granted any more; held claims may still check out or expire.
-- ARGV: prefix. Returns 1, or 0 without state.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'status', 'CANCELLED')
publish_sale(ARGV[1], now_ms())
return 1
