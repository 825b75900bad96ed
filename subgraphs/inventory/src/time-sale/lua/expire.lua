-- Expires up to ARGV[2] HELD claims whose hold window is over; their units go back to the sale.
-- ARGV: prefix, max. Returns how many expired.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local now = now_ms()
local due = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(due) do
  local raw = redis.call('HGET', KEYS[4], id)
  if raw then
    local claim = cjson.decode(raw)
    if claim.s == 'HELD' then close_claim(id, claim, 'EXPIRED', now) else redis.call('ZREM', KEYS[5], id) end
  else
    redis.call('ZREM', KEYS[5], id)
  end
end
if #due > 0 then publish_sale(ARGV[1], now) end
return #due
