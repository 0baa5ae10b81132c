-- wrk script: many users casting and retracting votes in turn.
--
--   wrk -t T -c C -d D -s votes.lua URL -- DATAFILE T
--
-- DATAFILE has lines "token sdx_..." and "reason ID". Thread k (1..T) takes users k, k+T,
-- k+2T, ...; each request is the next (user, reason) pair of the thread, cycling over its users
-- first, and alternates POST (cast) and DELETE (retract) on each pair, so votes keep changing
-- and every request is a real write. Every answer should be 204.

local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

local tokens, reasons, mine, state = {}, {}, {}, {}
local n = 0

function init(args)
  local nthreads = tonumber(args[2])
  for line in io.lines(args[1]) do
    local kind, value = line:match("^(%a+) (.+)$")
    if kind == "token" then
      tokens[#tokens + 1] = value
    elseif kind == "reason" then
      reasons[#reasons + 1] = value
    end
  end
  for k = id, #tokens, nthreads do
    mine[#mine + 1] = "Bearer " .. tokens[k]
  end
  assert(#mine > 0 and #reasons > 0, "no users or no reasons for thread " .. id)
end

function request()
  local users = #mine
  local u = n % users + 1
  local r = math.floor(n / users) % #reasons + 1
  n = n + 1
  local key = u * 65536 + r
  local voted = state[key]
  state[key] = not voted
  return wrk.format(voted and "DELETE" or "POST", "/api/v1/reasons/" .. reasons[r] .. "/vote",
    { ["Authorization"] = mine[u] })
end
