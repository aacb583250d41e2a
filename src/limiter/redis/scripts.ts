/**
 * The shared ledger's Lua. Each lane (the key's requests, its tokens, each model's, the
 * parallel guard) is a sorted set of grants scored by the instant they stop counting, plus a
 * hash of their amounts whose field `#` is the lane's running sum. Every script first drops
 * what has expired, so nothing a dead process held outlives its score. Time is Redis's own
 * (`TIME`), never a client's clock; clients only send durations.
 *
 * KEYS: 1 epoch, 2 meta, 3 line, 4 line leases, 5 clients, then per lane a pair (grants,
 * amounts). Every key carries the same hash tag, so a Redis Cluster keeps them on one slot.
 */

const HEADER = `
if redis.replicate_commands then pcall(redis.replicate_commands) end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local EPOCH, META, LINE, LEASES, CLIENTS = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local DAY = 86400000

local function zkey(i) return KEYS[4 + 2 * i] end
local function akey(i) return KEYS[5 + 2 * i] end

local function each_chunk(list, fn)
  for first = 1, #list, 500 do
    local last = math.min(first + 499, #list)
    fn({ unpack(list, first, last) })
  end
end

-- Drops a lane's grants whose instant has come, and takes their amounts off its sum.
local function purge(i)
  local z, a = zkey(i), akey(i)
  local gone = redis.call('ZRANGEBYSCORE', z, '-inf', now)
  if #gone == 0 then return end
  local total = 0
  each_chunk(gone, function (ids)
    local amounts = redis.call('HMGET', a, unpack(ids))
    for j = 1, #amounts do total = total + (tonumber(amounts[j]) or 0) end
    redis.call('HDEL', a, unpack(ids))
  end)
  redis.call('ZREMRANGEBYSCORE', z, '-inf', now)
  if total ~= 0 then redis.call('HINCRBY', a, '#', -total) end
end

local function used(i) return tonumber(redis.call('HGET', akey(i), '#') or '0') end

local function keep_until(i, score)
  local z, a = zkey(i), akey(i)
  local ttl = score - now + 1000
  if redis.call('PTTL', a) < ttl then
    redis.call('PEXPIRE', z, ttl)
    redis.call('PEXPIRE', a, ttl)
  end
end

-- Writes a grant's amount on lane i, counting until score ('max': never earlier than now).
local function put(i, id, amount, score, mode)
  local z, a = zkey(i), akey(i)
  local old = redis.call('ZSCORE', z, id)
  local cur = 0
  if old then cur = tonumber(redis.call('HGET', a, id) or '0') end
  if amount ~= cur then
    redis.call('HSET', a, id, amount)
    redis.call('HINCRBY', a, '#', amount - cur)
  end
  if mode == 'max' and old and tonumber(old) > score then score = tonumber(old) end
  redis.call('ZADD', z, score, id)
  keep_until(i, score)
  return old ~= false
end

local function drop(i, id)
  local z, a = zkey(i), akey(i)
  if redis.call('ZREM', z, id) == 0 then return end
  local cur = tonumber(redis.call('HGET', a, id) or '0')
  redis.call('HDEL', a, id)
  if cur ~= 0 then redis.call('HINCRBY', a, '#', -cur) end
end

local function seen(client, window)
  redis.call('ZADD', CLIENTS, now, client)
  redis.call('ZREMRANGEBYSCORE', CLIENTS, '-inf', now - window)
  redis.call('PEXPIRE', CLIENTS, DAY)
  return redis.call('ZCARD', CLIENTS)
end

local function purge_line()
  local gone = redis.call('ZRANGEBYSCORE', LEASES, '-inf', now)
  if #gone == 0 then return end
  each_chunk(gone, function (ids) redis.call('ZREM', LINE, unpack(ids)) end)
  redis.call('ZREMRANGEBYSCORE', LEASES, '-inf', now)
end
`;

/**
 * Admits a batch of calls in order, all lanes of a call or none; stops at the first call that
 * must wait (first in, first out, across processes: a call behind an older waiter waits).
 * ARGV: known epoch, fresh epoch, window ms, lease ms, grace ms, client id, retry ms for a
 * call behind another, number of calls; then per call: id, order (0 = none yet), lanes, and
 * per lane: index, limit, amount.
 * Returns {'epoch', epoch, grace left} when the ledger is new or not the one the caller knew,
 * {'pause', epoch, ms left, limit} during a gateway pause, else {'ok', epoch, peers, meta,
 * results}; each result {id, code ('ok' | 'wait'), order, wait ms, blocking lane index}.
 */
export const ADMIT = `${HEADER}
local known, fresh = ARGV[1], ARGV[2]
local window, lease, grace = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local client, behind_ms, count = ARGV[6], tonumber(ARGV[7]), tonumber(ARGV[8])

local epoch = redis.call('GET', EPOCH)
if not epoch then
  -- A new ledger (first use, or Redis lost its data): nobody admits until every live
  -- process has had a heartbeat to write back what it holds.
  redis.call('SET', EPOCH, fresh, 'PX', DAY)
  redis.call('HSET', META, 'grace_until', now + grace)
  redis.call('PEXPIRE', META, DAY)
  return {'epoch', fresh, grace}
end
redis.call('PEXPIRE', EPOCH, DAY)
redis.call('PEXPIRE', META, DAY)
local settings = redis.call('HMGET', META, 'grace_until', 'pause_until', 'pause_limit')
local grace_until = tonumber(settings[1] or '0')
if epoch ~= known then return {'epoch', epoch, math.max(0, grace_until - now)} end
if now < grace_until then return {'epoch', epoch, grace_until - now} end
local pause_until = tonumber(settings[2] or '0')
if now < pause_until then return {'pause', epoch, pause_until - now, settings[3] or ''} end

local peers = seen(client, window + lease)
purge_line()
local lanes_seen = {}
local results = {}
local at = 9
for c = 1, count do
  local id, order, n = ARGV[at], tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2])
  at = at + 3
  local lanes = {}
  for l = 1, n do
    local i = tonumber(ARGV[at])
    lanes[l] = { i, tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2]) }
    at = at + 3
    if not lanes_seen[i] then purge(i); lanes_seen[i] = true end
  end
  if order == 0 then order = redis.call('HINCRBY', META, 'seq', 1) end
  local head = redis.call('ZRANGE', LINE, 0, 0, 'WITHSCORES')
  local is_behind = #head > 0 and head[1] ~= id and tonumber(head[2]) < order
  local wait, blocking = 0, 0
  for l = 1, n do
    local i, limit, amount = lanes[l][1], lanes[l][2], lanes[l][3]
    local short = used(i) + amount - limit
    if short > 0 then
      -- When enough of this lane comes back: walk its grants in the order they expire.
      local freed, when = 0, -1
      local ids = redis.call('ZRANGE', zkey(i), 0, 199, 'WITHSCORES')
      for j = 1, #ids, 2 do
        freed = freed + (tonumber(redis.call('HGET', akey(i), ids[j])) or 0)
        when = tonumber(ids[j + 1])
        if freed >= short then break end
      end
      local lane_wait = math.max(1, when - now)
      if when < 0 then lane_wait = window end
      if lane_wait > wait then wait, blocking = lane_wait, i end
    end
  end
  if is_behind and wait == 0 then wait = behind_ms end
  if wait > 0 then
    redis.call('ZADD', LINE, order, id)
    redis.call('ZADD', LEASES, now + lease, id)
    redis.call('PEXPIRE', LINE, DAY)
    redis.call('PEXPIRE', LEASES, DAY)
    results[#results + 1] = {id, 'wait', order, wait, blocking}
    break
  end
  for l = 1, n do put(lanes[l][1], id, lanes[l][3], now + window + lease, 'set') end
  redis.call('ZREM', LINE, id)
  redis.call('ZREM', LEASES, id)
  results[#results + 1] = {id, 'ok', order, 0, 0}
end
return {'ok', epoch, peers, redis.call('HGETALL', META), results}
`;

/**
 * Settles calls: a sent call's amounts (corrected to what it really used) count until a full
 * window from now; an unsent call's are dropped at once. Also records spend, a spent budget
 * and a gateway pause, and takes cancelled calls out of the line.
 * ARGV: window ms, number of calls; per call: id, sent (1/0), cost ('' = none), key spend
 * reported before the call ('' = none), model ('' = none), spent ('' | 'key' | 'model'),
 * spend the refusal reported ('' = none), pause ms (0 = none), pause limit, lanes, and per
 * lane: index, amount used. Then: number of ids leaving the line, and the ids.
 * Returns {epoch or false, meta}.
 */
export const SETTLE = `${HEADER}
local window, count = tonumber(ARGV[1]), tonumber(ARGV[2])
local at = 3
local function bump(field, value)
  local cur = tonumber(redis.call('HGET', META, field) or '0')
  if value > cur then redis.call('HSET', META, field, tostring(value)) end
end
for c = 1, count do
  local id, sent = ARGV[at], ARGV[at + 1] == '1'
  local cost_text = ARGV[at + 2]
  local cost, key_spend, model = tonumber(cost_text), tonumber(ARGV[at + 3]), ARGV[at + 4]
  local spent, spent_value = ARGV[at + 5], tonumber(ARGV[at + 6])
  local pause, pause_limit, n = tonumber(ARGV[at + 7]), ARGV[at + 8], tonumber(ARGV[at + 9])
  at = at + 10
  for l = 1, n do
    local i, amount = tonumber(ARGV[at]), tonumber(ARGV[at + 1])
    at = at + 2
    purge(i)
    if sent and amount > 0 then put(i, id, amount, now + window, 'set') else drop(i, id) end
  end
  if cost then
    redis.call('HINCRBYFLOAT', META, 'spend', cost_text)
    if key_spend then bump('spend', key_spend + cost) end
    if model ~= '' then
      redis.call('HINCRBYFLOAT', META, 'spend:' .. model, cost_text)
    end
  elseif key_spend then
    bump('spend', key_spend)
  end
  if spent == 'key' then
    redis.call('HSET', META, 'spent', '1')
    if spent_value then bump('spend', spent_value) end
  elseif spent == 'model' and model ~= '' then
    redis.call('HSET', META, 'spent:' .. model, '1')
  end
  if pause > 0 then
    bump('pause_until', now + pause)
    redis.call('HSET', META, 'pause_limit', pause_limit)
  end
end
local leaving = tonumber(ARGV[at])
for j = 1, leaving do
  redis.call('ZREM', LINE, ARGV[at + j])
  redis.call('ZREM', LEASES, ARGV[at + j])
end
redis.call('PEXPIRE', META, DAY)
return {redis.call('GET', EPOCH), redis.call('HGETALL', META)}
`;

/**
 * Keeps what this process holds in the ledger: a call in flight counts until a window plus a
 * lease from now (so a holder that stops beating gives it back on its own); after Redis lost
 * its data, writes back what each call still holds. A grant the ledger no longer has is
 * written again and reported, so it counts again.
 * ARGV: window ms, lease ms, client id, spend known here ('' = none), number of calls; per
 * call: id, lanes, and per lane: index, amount, ms it still counts (-1 = in flight).
 * Returns {epoch or false, peers, lapsed ids}.
 */
export const RENEW = `${HEADER}
local window, lease, client = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local spend, count = tonumber(ARGV[4]), tonumber(ARGV[5])
local peers = seen(client, window + lease)
if spend then
  local cur = tonumber(redis.call('HGET', META, 'spend') or '0')
  if spend > cur then redis.call('HSET', META, 'spend', tostring(spend)) end
end
local lapsed = {}
local at = 6
for c = 1, count do
  local id, n = ARGV[at], tonumber(ARGV[at + 1])
  at = at + 2
  local missing = false
  for l = 1, n do
    local i, amount, left = tonumber(ARGV[at]), tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2])
    at = at + 3
    purge(i)
    local score = now + left
    if left < 0 then score = now + window + lease end
    if not put(i, id, amount, score, 'max') then missing = true end
  end
  if missing then lapsed[#lapsed + 1] = id end
end
return {redis.call('GET', EPOCH), peers, lapsed}
`;

/**
 * Pushes out the Redis expiration of Bottleneck jobs this process still runs (Bottleneck
 * 2.19.5's `job_expirations` set, scored in its clients' clock), so that its cluster reclaims
 * a slot only when its holder stops beating. A job already freed (score 0) or expired is
 * left alone. KEYS[1]: the job_expirations key. ARGV: client now ms, extension ms, job ids.
 */
export const BOTTLENECK_RENEW = `
local now, extend = tonumber(ARGV[1]), tonumber(ARGV[2])
local kept = 0
for j = 3, #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[j])
  if score and tonumber(score) > now then
    redis.call('ZADD', KEYS[1], now + extend, ARGV[j])
    kept = kept + 1
  end
end
return kept
`;

/**
 * An authoritative spend for the key (a re-read key row, a reset budget): replaces the shared
 * spend and clears every spent flag and per-model sum. KEYS[1]: meta. ARGV: spend.
 */
export const RESET_SPEND = `
local fields = redis.call('HKEYS', KEYS[1])
for i = 1, #fields do
  local f = fields[i]
  if f == 'spent' or string.sub(f, 1, 6) == 'spent:' or string.sub(f, 1, 6) == 'spend:' then
    redis.call('HDEL', KEYS[1], f)
  end
end
redis.call('HSET', KEYS[1], 'spend', ARGV[1])
return 1
`;
