-- KEYS[1] lock key, ARGV[1] token, ARGV[2] lease ms. Returns 1 when renewed.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
