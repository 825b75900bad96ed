-- Writes a sale's hash (at creation, or last in a rebuild from PostgreSQL, after its claims went in chunk by chunk
-- with load-claims.lua), unless a state is there already: replicas racing to rebuild load it once, and every other
-- script treats a sale without its hash as one without state. ARGV: saleJson, claimsJson, group, rebuild token ('' at
-- creation), prefix. Returns 1 when loaded, 0 when a state existed, -1 when the rebuild lock is not this token's.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if ARGV[4] ~= '' and redis.call('GET', KEYS[7]) ~= ARGV[4] then return -1 end
local sale = cjson.decode(ARGV[1])
for field, value in pairs(sale) do redis.call('HSET', KEYS[1], field, tostring(value)) end
load_claims(cjson.decode(ARGV[2]))
-- The consumer group reads from the start of a new stream; an existing group (BUSYGROUP) is kept.
pcall(redis.call, 'XGROUP', 'CREATE', KEYS[6], ARGV[3], '0', 'MKSTREAM')
if ARGV[4] ~= '' then
  redis.call('DEL', KEYS[7])
  -- The rebuilt count is news to live subscribers, and ends a gateway's sold-out announcement if units came back.
  publish_sale(ARGV[5], now_ms())
end
return 1
