-- wrk script: POST /v2/apps/APP/config with a new value each time (so every request makes a release).
local token = os.getenv("PAAS_TOKEN")
local app = os.getenv("BENCH_APP") or "bench"
local n = 0
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function()
  n = n + 1
  local body = string.format('{"values":{"COUNTER":"%d-%d"}}', math.random(1, 2000000000), n)
  return wrk.format("POST", "/v2/apps/" .. app .. "/config",
    { ["Content-Type"] = "application/json", ["Authorization"] = "token " .. token }, body)
end
