-- claimTimeSale, decided in one step. KEYS[7] is the member's attempt counter ts:{id}:rl:<memberId>.
-- ARGV: prefix, memberId, quantity, idempotencyKey, newClaimId, holdMs, rateLimit, rateWindowMs
-- Returns {'CLAIMED', claimId, quantity, expiresAt, replayed(0|1), remaining} or {code, detail}.
local member = ARGV[2]
local qty = tonumber(ARGV[3])
local idem_field = member .. ':' .. ARGV[4]

-- A sale without its hash has no state (lost, or its rebuild is still writing claims): nothing is decided, not
-- even a replay.
local sale = redis.call('HMGET', KEYS[1], 'status', 'startsAt', 'endsAt', 'remaining', 'perMemberLimit')
if not sale[1] then return { 'SALE_PAUSED', 0 } end

-- The same key answers with the first claim, without counting as another attempt.
local existing = redis.call('HGET', KEYS[3], idem_field)
if existing then
  local claim = cjson.decode(redis.call('HGET', KEYS[4], existing))
  return { 'CLAIMED', existing, claim.q, tostring(claim.e), 1, tonumber(sale[4]) }
end

local rate_limit = tonumber(ARGV[7])
if rate_limit > 0 then
  local attempts = redis.call('INCR', KEYS[7])
  if attempts == 1 then redis.call('PEXPIRE', KEYS[7], ARGV[8]) end
  if attempts > rate_limit then return { 'RATE_LIMITED', redis.call('PTTL', KEYS[7]) } end
end

if sale[1] == 'CANCELLED' then return { 'ENDED', sale[3] } end
local now = now_ms()
if now < tonumber(sale[2]) then return { 'NOT_STARTED', sale[2] } end
if now >= tonumber(sale[3]) then return { 'ENDED', sale[3] } end
local remaining = tonumber(sale[4])
if remaining < qty then return { 'SOLD_OUT', remaining } end
local held = tonumber(redis.call('HGET', KEYS[2], member) or '0')
if held + qty > tonumber(sale[5]) then return { 'LIMIT_EXCEEDED', held } end

local id = ARGV[5]
local claim = { m = member, q = qty, s = 'HELD', e = now + tonumber(ARGV[6]), k = ARGV[4], c = now }
remaining = redis.call('HINCRBY', KEYS[1], 'remaining', -qty)
redis.call('HINCRBY', KEYS[2], member, qty)
redis.call('HSET', KEYS[3], idem_field, id)
redis.call('HSET', KEYS[4], id, cjson.encode(claim))
redis.call('ZADD', KEYS[5], claim.e, id)
append_event('CLAIMED', id, claim, now)
publish_sale(ARGV[1], now)
return { 'CLAIMED', id, qty, tostring(claim.e), 0, remaining }
