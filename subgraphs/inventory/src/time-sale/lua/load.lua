-- Writes a sale's whole state (at creation, or rebuilt from PostgreSQL after Redis lost it), unless a
-- state is there already: replicas racing to rebuild load it once. ARGV: saleJson, claimsJson, group
-- Returns 1 when loaded, 0 when a state existed.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local sale = cjson.decode(ARGV[1])
for field, value in pairs(sale) do redis.call('HSET', KEYS[1], field, tostring(value)) end
for _, claim in ipairs(cjson.decode(ARGV[2])) do
  local id = claim.id
  claim.id = nil
  redis.call('HSET', KEYS[4], id, cjson.encode(claim))
  redis.call('HSET', KEYS[3], claim.m .. ':' .. claim.k, id)
  if claim.s == 'HELD' then redis.call('ZADD', KEYS[5], claim.e, id) end
  if claim.s == 'HELD' or claim.s == 'CONSUMED' then redis.call('HINCRBY', KEYS[2], claim.m, claim.q) end
end
-- The consumer group reads from the start of a new stream; an existing group (BUSYGROUP) is kept.
pcall(redis.call, 'XGROUP', 'CREATE', KEYS[6], ARGV[3], '0', 'MKSTREAM')
return 1
