-- Checkout turns a HELD claim into a sale: it can no longer expire. ARGV: prefix, claimId, orderKey
-- Returns {status, claimJson}: CONSUMED (by this order key, now or before), OTHER_ORDER, EXPIRED,
-- RELEASED, UNKNOWN, or SALE_PAUSED without state.
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'SALE_PAUSED', '' } end
local raw = redis.call('HGET', KEYS[4], ARGV[2])
if not raw then return { 'UNKNOWN', '' } end
local claim = cjson.decode(raw)
if claim.s == 'CONSUMED' then
  if claim.o == ARGV[3] then return { 'CONSUMED', raw } end
  return { 'OTHER_ORDER', raw }
end
if claim.s ~= 'HELD' then return { claim.s, raw } end
local now = now_ms()
if now >= claim.e then
  close_claim(ARGV[2], claim, 'EXPIRED', now)
  publish_sale(ARGV[1], now)
  return { 'EXPIRED', cjson.encode(claim) }
end
claim.s = 'CONSUMED'
claim.o = ARGV[3]
claim.u = now
local encoded = cjson.encode(claim)
redis.call('HSET', KEYS[4], ARGV[2], encoded)
redis.call('ZREM', KEYS[5], ARGV[2])
append_event('CONSUMED', ARGV[2], claim)
return { 'CONSUMED', encoded }
