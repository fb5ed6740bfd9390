-- wrk script for the claim server benchmark: each request asks for a random claim page from
-- the paths file that `cargo bench --bench claims -- serve-event` writes (SITE/paths.txt).
-- wrk -t2 -c64 -d30s --latency -s benches/wrk-claims.lua http://127.0.0.1:PORT -- SITE/paths.txt
local paths = {}

init = function(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
end

request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
