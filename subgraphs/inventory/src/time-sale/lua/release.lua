-- A checkout gave up: a HELD claim's units go back to the sale. ARGV: prefix, claimId
-- Returns the claim's status afterwards: RELEASED, EXPIRED or CONSUMED; UNKNOWN; SALE_PAUSED without state.
if redis.call('EXISTS', KEYS[1]) == 0 then return 'SALE_PAUSED' end
local raw = redis.call('HGET', KEYS[4], ARGV[2])
if not raw then return 'UNKNOWN' end
local claim = cjson.decode(raw)
if claim.s ~= 'HELD' then return claim.s end
local now = now_ms()
-- Past its expiry the claim has expired, whether or not the sweeper got to it yet.
local status = 'RELEASED'
if now >= claim.e then status = 'EXPIRED' end
close_claim(ARGV[2], claim, status, now)
publish_sale(ARGV[1], now)
return status
