-- Fragment: reads the server clock into now (ms) and nowus (µs), which must be declared.
local t = redis.call('TIME'); now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000); nowus = tonumber(t[1]) * 1000000 + tonumber(t[2])
