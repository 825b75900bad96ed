-- One chunk of a rebuild's claims, written before the sale's hash (load.lua writes it last), so no other script
-- acts on the sale meanwhile. ARGV: token, claimsJson, reset ('1' on the first chunk: clears what an interrupted
-- rebuild left), lockMs. Returns 1, 0 when the sale has its state already, -1 when the rebuild lock is not this token's.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if redis.call('GET', KEYS[7]) ~= ARGV[1] then return -1 end
if ARGV[3] == '1' then redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5]) end
load_claims(cjson.decode(ARGV[2]))
redis.call('PEXPIRE', KEYS[7], ARGV[4])
return 1
