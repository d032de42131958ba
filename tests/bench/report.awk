# The summary scripts/bench prints from build/bench/results.jsonl: each
# target side by side with ratios, the floors, start-up and memory, and the
# DESIGN.md targets met or missed. Lines are flat JSON written by loadgen and
# scripts/bench, so a field is found by its key. Set -v cores=N.

function field(line, key,    m) {
    if (!match(line, "\"" key "\":(\"[^\"]*\"|[-0-9.eE+]+)"))
        return ""
    m = substr(line, RSTART + length(key) + 3, RLENGTH - length(key) - 3)
    gsub(/"/, "", m)
    return m
}

function ratio(a, b) {
    return (a > 0 && b > 0) ? sprintf("%.2fx", a / b) : "-"
}

function verdict(ok) {
    return ok ? "met" : "MISSED"
}

# Requests/s the server could take if the load generator cost nothing:
# cores divided by its CPU time per request.
function capacity(srv) {
    return srv > 0 ? sprintf("%.0f", cores * 1e6 / srv) : "-"
}

{
    t = field($0, "target")
    if ($0 ~ /"metric":/) {
        val[t, field($0, "metric")] = field($0, "value") + 0
        next
    }
    k = t SUBSEP field($0, "workload") SUBSEP field($0, "concurrency")
    rps[k] = field($0, "rps") + 0
    p99[k] = field($0, "p99_us") + 0
    srv[k] = field($0, "server_cpu_us_per_req") + 0
    err[k] = field($0, "errors") + 0
    ips[k] = field($0, "items_per_s") + 0
    w = field($0, "workload")
    c = field($0, "concurrency")
    if (t != "dynalake" && t !~ /^floor/ && t !~ /-100k$/)
        peer[w] = t
    if (!(w in seen_w)) { seen_w[w] = 1; ws[++nw] = w }
    if (!(c in seen_c)) { seen_c[c] = 1; cs[++nc] = c }
}

function items(k) {
    return ips[k] > 0 ? sprintf("%.0f", ips[k]) : "-"
}

function row(w, c,    a, b, pn) {
    pn = (w in peer) ? peer[w] : "-"
    a = "dynalake" SUBSEP w SUBSEP c
    b = pn SUBSEP w SUBSEP c
    if (!(a in rps) || w ~ /fill$/)
        return
    printf "%-10s %-8s %5s %9.0f %9s %7s %7.1f %8s ", w, pn, c, rps[a], items(a), p99[a], srv[a],
        capacity(srv[a])
    if (b in rps)
        printf "%9.0f %7s %8.1f %7s\n", rps[b], p99[b], srv[b],
            ratio(rps[a], rps[b])
    else
        printf "%9s %7s %8s %7s\n", "-", "-", "-", "-"
}

function target_line(what, got, ok) {
    printf "%-40s %14s  %s\n", what, got, verdict(ok)
}

function rps_target(w, need, peer_factor,    a, b) {
    a = "dynalake" SUBSEP w SUBSEP 16
    b = ((w in peer) ? peer[w] : "-") SUBSEP w SUBSEP 16
    if (!(a in rps))
        return
    if (need > 0) {
        target_line(sprintf("%s >= %dk/s at 16 conns", w, need / 1000),
            sprintf("%.0f/s", rps[a]), rps[a] >= need)
        target_line(sprintf("%s p99 < 2 ms at 16 conns", w),
            sprintf("%d us", p99[a]), p99[a] < 2000)
    }
    if (b in rps)
        target_line(sprintf("%s >= %dx %s at 16 conns", w, peer_factor,
            peer[w]), ratio(rps[a], rps[b]), rps[a] >= peer_factor * rps[b])
}

function scenario_lines(    n, i, ph) {
    if (!(("scenario", "total_s") in val))
        return
    print ""
    printf "== streams scenario end to end: %d operations, %d stream changes\n",
        val["scenario", "operations"], val["scenario", "changes"]
    n = split("starting workload ship load verifying total", ph, " ")
    for (i = 1; i <= n; i++)
        if (("scenario", ph[i] "_s") in val)
            printf "%-12s %8.2f s\n", ph[i], val["scenario", ph[i] "_s"]
}

# Per profiled workload (BENCH_PROFILE=1): the share of dynalake's CPU in
# SigV4 (authn_authenticate), the IAM decision (authz_authorize less the
# audit) and the decision audit (audit_count_repeat, audit_record). The
# target lines take the largest, the cheapest request's: SigV4 and the
# decision (what the target names), and with the audit on top.
function auth_lines(    i, k, sig, iam, audit, any) {
    for (i = 1; i <= nw; i++) {
        k = "auth-" ws[i]
        if (!((k, "authn_authenticate_pct") in val))
            continue
        if (!any)
            printf "\n== SigV4 and IAM share of dynalake's CPU (perf, 16" \
                " conns)\n"
        any = 1
        sig = val[k, "authn_authenticate_pct"]
        audit = val[k, "audit_count_repeat_pct"] + val[k, "audit_record_pct"]
        iam = val[k, "authz_authorize_pct"] - audit
        printf "%-10s SigV4 %5.1f%%  IAM decision %5.1f%%  audit %5.1f%%" \
            "  together %5.1f%%\n", ws[i], sig, iam, audit, sig + iam + audit
        if (sig + iam > auth_max)
            auth_max = sig + iam
        if (sig + iam + audit > audited_max)
            audited_max = sig + iam + audit
    }
    return any
}

function memory_targets() {
    if (!has_mem)
        return
    target_line("cold start < 20 ms", val["dynalake", "cold_start_ms"] " ms",
        val["dynalake", "cold_start_ms"] < 20)
    target_line("idle RSS < 10 MB", val["dynalake", "idle_rss_mb"] " MB",
        val["dynalake", "idle_rss_mb"] < 10)
    if (("dynalake", "peak_rss_1g_multipart_mb") in val)
        printf "%-40s %14s  %s\n", "peak RSS, 1 GiB multipart upload",
            val["dynalake", "peak_rss_1g_multipart_mb"] " MB",
            "see BENCHMARKS.md"
    printf "%-40s %14s  %s\n", "RSS flat under load (after 100k puts)",
        sprintf("+%.1f MB", val["dynalake", "rss_after_100k_puts_mb"] - \
            val["dynalake", "idle_rss_mb"]), "see BENCHMARKS.md"
}

END {
    print ""
    print "== dynalake (SigV4 + IAM) vs its peer: dynalite, s3rver (neither" \
        " checks IAM)"
    printf "%-10s %-8s %5s %9s %9s %7s %7s %8s %9s %7s %8s %7s\n",
        "workload", "peer", "conns", "req/s", "items/s", "p99_us", "srv_us",
        "cap/s", "peer r/s", "p99_us", "srv_us", "ratio"
    for (i = 1; i <= nw; i++)
        for (j = 1; j <= nc; j++)
            row(ws[i], cs[j])
    print "(srv_us: server CPU per request; cap/s: " cores \
        " cores / srv_us, the rate with a free client; items/s: items or" \
        " records read or written)"

    print ""
    print "== floors"
    for (j = 1; j <= nc; j++) {
        k = "floor_mhd" SUBSEP "put" SUBSEP cs[j]
        if (k in rps)
            printf "bare libmicrohttpd, %2s conns: %9.0f req/s, p99 %s us," \
                " %.1f us server CPU/req (cap %s/s)\n", cs[j], rps[k], p99[k],
                srv[k], capacity(srv[k])
    }
    printf "bare SQLite txn per write:   %9.0f /s (one thread)\n",
        val["sqlite", "txn_write_per_s"]
    printf "bare SQLite txn per read:    %9.0f /s (one thread)\n",
        val["sqlite", "txn_read_per_s"]

    has_mem = (("dynalake", "cold_start_ms") in val)
    if (has_mem) {
        print ""
        print "== start-up and memory"
        printf "%-34s %10s %10s\n", "", "dynalake", "dynalite"
        split("cold_start_ms cold_start_median_ms idle_rss_mb " \
            "rss_after_100k_puts_mb tmpfs_after_100k_puts_mb", ms, " ")
        for (i = 1; i <= 5; i++)
            printf "%-34s %10s %10s\n", ms[i], val["dynalake", ms[i]],
                val["dynalite", ms[i]]
    }

    has_auth = auth_lines()
    scenario_lines()

    print ""
    printf "load average (1 min) before/after the run: %.2f / %.2f " \
        "(the bench itself adds about 2)\n", val["host", "loadavg_1m_before"],
        val["host", "loadavg_1m_after"]

    print ""
    print "== DESIGN.md targets (2 cores shared by server and load generator)"
    rps_target("put", 50000, 4)
    rps_target("get", 80000, 4)
    rps_target("query", 0, 5)
    rps_target("s3put", 0, 10)
    rps_target("s3get", 0, 10)
    if (("scenario", "total_s") in val && val["scenario", "operations"] >= 100000)
        target_line("100k-write streams scenario < 10 s",
            sprintf("%.1f s", val["scenario", "total_s"]),
            val["scenario", "total_s"] < 10)
    else if (("scenario", "total_s") in val)
        printf "%-40s %14s  %s\n", "streams scenario < 10 s at 100k ops",
            sprintf("%.1f s/%.1fk", val["scenario", "total_s"],
                val["scenario", "operations"] / 1000),
            "(BENCH_SCENARIO_SCALE=333.34 for 100k)"
    if (has_auth) {
        target_line("SigV4 + IAM decision < 10% of server CPU",
            sprintf("%.1f%%", auth_max), auth_max < 10)
        printf "%-40s %14s  %s\n", "  with the decision audit",
            sprintf("%.1f%%", audited_max), "see BENCHMARKS.md"
    }
    memory_targets()
    for (k in err)
        if (err[k] > 0)
            print "warning: errors in run " k ": " err[k]
}
