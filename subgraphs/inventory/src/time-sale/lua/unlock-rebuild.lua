-- Lets a rebuild's lock go if it is still this token's (a rebuild that stopped early). KEYS[1] ts:{id}:rebuild.
-- ARGV: token. Returns 1 when released.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
