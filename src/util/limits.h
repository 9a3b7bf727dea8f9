/* SPDX-License-Identifier: MIT */
/*
 * Every limit of the program in one place (OpenBSD httpd.h). Sizes are bytes,
 * times milliseconds unless the name says otherwise.
 */
#ifndef CS_UTIL_LIMITS_H
#define CS_UTIL_LIMITS_H

/* Bodies and buffers. */
#define CS_MAX_API_RESPONSE (8u * 1024u * 1024u) /* one upstream response */
#define CS_MAX_WEBHOOK_BODY (256u * 1024u)       /* one NMKR notification */
#define CS_MAX_ADMIN_BODY (64u * 1024u)          /* one admin POST */
#define CS_MAX_CSV_FILE (64u * 1024u * 1024u)    /* one inventory CSV */
#define CS_MAX_CSV_FIELD (16u * 1024u)           /* one CSV field */
#define CS_MAX_EXPORT (128u * 1024u * 1024u)     /* one inventory CSV export */
#define CS_MAX_SYNC_REPORT (4u * 1024u * 1024u)  /* one report's JSON */

/* Webhook events (docs/internals/webhooks.md). */
#define CS_WEBHOOK_KEPT_PREFIX 256 /* bytes of a refused body kept */
#define CS_WEBHOOK_MAX_NFTS 1000   /* NFTs one notification may list */
#define CS_WEBHOOK_MAX_KEY 512     /* longer dedupe keys are hashed */
#define CS_WEBHOOK_PRUNE_BATCH 1000
#define CS_WEBHOOK_RETENTION_DEFAULT_S (30LL * 24 * 3600)
/* A sync's stored report (sync_log.synced_data) is dropped after this; the
 * row, its counts and the status history stay (CS_REPORT_RETENTION). */
#define CS_REPORT_RETENTION_DEFAULT_S (90LL * 24 * 3600)
#define CS_WEBHOOK_REFUSED_RATE_DEFAULT 60 /* per client a minute */
#define CS_WEBHOOK_BATCH 512               /* webhooks one group commit takes */

/* Names and identifiers. */
#define CS_UID_LEN 36   /* 8-4-4-4-12 GUID with dashes */
#define CS_MAX_NAME 200 /* campaign and NFT names */
#define CS_MAX_DESCRIPTION 4000
#define CS_MAX_URL 2048
#define CS_MAX_WALLET 128   /* bech32 stake or payment address */
#define CS_MAX_ASSET_ID 120 /* 56 hex policy + up to 64 hex name */
#define CS_MAX_NFTS_PER_CAMPAIGN 1000000

/* NMKR. */
#define CS_NMKR_PAGE_SIZE 50 /* GetNfts count cap */
#define CS_NMKR_MAX_PAGES 100000
#define CS_NMKR_DEFAULT_INFLIGHT 4
#define CS_NMKR_DETAILS_CACHE_MS (5 * 60 * 1000)
#define CS_NMKR_RATE_LIMIT 800     /* requests per window per client IP */
#define CS_NMKR_RATE_WINDOW_S 10   /* NMKR's rate-limit window */
#define CS_NMKR_BREAKER_FAILURES 5 /* failed attempts in a row: stop */
#define CS_NMKR_MAX_WALKS 3        /* reads of a list that moved */
#define CS_NMKR_NOTE_MAX 512

/* HTTP client. */
#define CS_HTTP_CONNECT_TIMEOUT_MS 5000
#define CS_HTTP_TOTAL_TIMEOUT_MS 30000
#define CS_HTTP_MAX_RETRIES 4
#define CS_HTTP_BACKOFF_BASE_MS 250
#define CS_HTTP_BACKOFF_MAX_MS 8000
#define CS_HTTP_RETRY_AFTER_MAX_MS 60000

/* Sync. */
#define CS_SYNC_DEBOUNCE_MS 10000
/* A running sync's heartbeat (a thread of its own: see sync_run.c); a run
 * of another host not heard from for three beats is taken over. A run
 * whose owner on this host is dead is taken over at once. */
#define CS_SYNC_HEARTBEAT_MS 10000
#define CS_SYNC_RUN_STALE_MS (3 * CS_SYNC_HEARTBEAT_MS)
/* A CLI sync stopped by a signal: the time it has to stop at its next
 * phase boundary before its run is closed for it and it exits. */
#define CS_SYNC_STOP_GRACE_MS 3000
#define CS_RESERVATION_GRACE_MS (2 * 60 * 1000)
#define CS_RECENT_WEBHOOKS 10
/* Entries of each list of a SyncReport (discrepancies, updates, conflicts,
 * deferred, warnings) that the API answers and sync_log stores; the counts
 * say how many there were. 1,000 discrepancies are about 150 KB of JSON,
 * so a stored report stays under 1 MiB whatever the campaign's size. */
#define CS_REPORT_LIST_MAX 1000
/* A sync that held at least this many NFTs (NMKR's or ours) gives the
 * memory it freed back to the kernel when it ends (sync.c trim()). */
#define CS_SYNC_TRIM_AFTER_NFTS 5000
#define CS_SYNC_PROJECT_CACHE_SLOTS 64 /* projects whose details are cached */
#define CS_SYNC_PROGRESS_EVERY_MS 250  /* a sync writes its progress */
/* The part of the host name a run owner keeps: a cut name must still end
 * in ":PID" within the 64 bytes sync_runs callers give it. */
#define CS_OWNER_HOST_MAX 40

/* Blockfrost. */
#define CS_BF_RATE_PER_S 10
#define CS_BF_BURST 500
#define CS_BF_PAGE_SIZE 100        /* /assets/{asset}/addresses count */
#define CS_BF_MAX_HOLDER_PAGES 100 /* 10,000 holders read at most */
#define CS_BF_TOTAL_TIMEOUT_MS 10000
#define CS_VERIFY_PER_SYNC 10
/* At most per sync: the chain step runs inside the claimed run (200 NFTs
 * at Blockfrost's 10 requests/s take about 40 s; the heartbeat thread keeps
 * the run fresh meanwhile); `verify --all` does more, outside any sync. */
#define CS_VERIFY_PER_SYNC_MAX 200
#define CS_CHAIN_CACHE_MS (60 * 60 * 1000)

/* Reservations. */
#define CS_RESERVATION_DEFAULT_MIN 10
#define CS_RESERVATION_MIN_MIN 5
#define CS_RESERVATION_MAX_MIN 60
#define CS_SWEEP_LIMIT 200 /* expired reservations one sweep frees */

/* Store. */
#define CS_DB_BUSY_TIMEOUT_MS 5000
#define CS_DB_MAX_RETRIES 5
#define CS_DB_URL_MAX_PASSWORDS 4 /* each one a secret of the log */
/* Most bytes of one array parameter of N_WRITE_MANY. */
#define CS_PG_ARRAY_MAX (64 * 1024 * 1024)
/* Rows per query of a listing (cs_pg__nft_list). */
#define CS_PG_LIST_PAGE 1000
/* Changes per batch of the sync where the backend reads and writes many
 * NFTs at once (nft_get_many, nft_write_many): a call reads their rows, a
 * call writes them. */
#define CS_STORE_BATCH_MAX 1000

/* Logging. */
#define CS_LOG_MAX_SECRETS 32 /* secrets the log scrubs at once */
#define CS_LOG_LINE_MAX 8192  /* bytes of one log line */

/* Time zones (tzdata, tz.c). */
#define CS_TZ_MAX_FILE (1024 * 1024)   /* bytes of one tzdata file */
#define CS_TZ_MAX_TIMES 100000         /* transitions read at most */
#define CS_TZ_MAX_TYPES 256            /* local time types read at most */
#define CS_TZ_MAX_OFFSET_S (26 * 3600) /* largest UTC offset accepted */

/* Serve. */
/* Defaults of serve's settings (CS_MAX_CONNECTIONS, ...; http.h). */
#define CS_SERVE_POOL_SIZE 16              /* store connections */
#define CS_SERVE_LOOP_THREADS 2            /* libmicrohttpd's event loops */
#define CS_SERVE_HANDLERS 64               /* handler threads */
#define CS_SERVE_MAX_CONNECTIONS 4096      /* in all */
#define CS_SERVE_MAX_CLIENT_CONNECTIONS 64 /* per client address */
#define CS_SERVE_HEADER_TIMEOUT_S 5        /* to send the headers */
#define CS_SERVE_IDLE_TIMEOUT_S 30         /* an idle connection closes */
#define CS_SERVE_MAX_SYNCS 4               /* syncs for requests at once */
#define CS_SERVE_POOL_WAIT_MS 10000 /* a handler waits for a connection */
/* glibc's malloc in serve (server.c tune_malloc, docs/internals/soak.md). */
#define CS_MALLOC_ARENAS 4                  /* M_ARENA_MAX */
#define CS_MALLOC_TRIM_THRESHOLD (16 << 20) /* M_TRIM_THRESHOLD */
#define CS_MAX_TRUSTED_PROXIES 64           /* entries of CS_TRUSTED_PROXIES */
#define CS_API_PAGE_DEFAULT 100             /* NFTs per API page by default */
#define CS_API_PAGE_MAX 1000                /* NFTs per API page at most */
#define CS_API_PAGE_NUMBER_MAX 100000 /* ?page= at most (x limit rows read) */
#define CS_SERVE_TICK_MS 50       /* the ticker: header timeouts, sleepers */
#define CS_HEALTH_EVERY_MS 1000   /* the health thread checks the database */
#define CS_HEALTH_STALE_MS 5000   /* an older check answers 503 */
#define CS_SSE_POLL_MS 200        /* a stream looks at its sync run */
#define CS_SSE_WATCH_MS 1000      /* a watched job woke it by then, surely */
#define CS_SSE_KEEPALIVE_MS 15000 /* a quiet stream sends a comment */
#define CS_SSE_MAX_MS (30 * 60 * 1000) /* a stream ends after */
#define CS_VERIFY_HTTP_MAX 100         /* NFTs one verify request checks */
#define CS_RATELIMIT_SLOTS 4096        /* client addresses tracked at once */
/* A quiet client address is forgotten after this long. */
#define CS_RATELIMIT_IDLE_US (10LL * 60 * 1000000)

/* Defaults of settings (the environment overrides them). */
#define CS_ALERT_EVERY_DEFAULT_MS (60LL * 60 * 1000) /* per cause, campaign */
#define CS_ALERT_SILENCE_DEFAULT_MS (6LL * 60 * 60 * 1000)
#define CS_ALERT_TIMEOUT_MS 10000 /* one alert's POST */
#define CS_CHAIN_SHARE_DEFAULT 0.5
#define CS_CHAIN_RECHECK_DEFAULT_MS (24LL * 3600 * 1000)
#define CS_CHAIN_RETRY_MAX_MS (10LL * 60 * 1000) /* pending, error */
#define CS_CHAIN_LEASE_MS (2LL * 60 * 1000)
#define CS_CHAIN_BATCH 10
#define CS_CHAIN_IDLE_MS 5000
#define CS_VERIFY_PROBLEMS 100 /* mismatches and errors listed at most */
/* webhook_grace_ms (CS_WEBHOOK_GRACE_SECONDS): NMKR's 20 s cache, a sync's
 * own duration and the webhook's delivery, with room to spare. */
#define CS_NMKR_WEBHOOK_GRACE_DEFAULT_MS 60000
/* CS_WEBHOOK_SECRET_GRACE: a rotated-out secret is accepted this long after
 * the rotation. */
#define CS_WEBHOOK_SECRET_GRACE_DEFAULT_MS (600 * 1000)

#endif
