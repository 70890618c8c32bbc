-- Returns the number of live keys of the scope.
--#include prelude
return redis.call('ZCOUNT', xk, clock(), '+inf')
