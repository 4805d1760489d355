-- wrk script: POST the same form body and headers our client sends to "/".
wrk.method = "POST"
wrk.path = "/"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"
wrk.headers["User-Agent"] = "bench-raw/1.0"
