/*
 * Types of the runtime log: what a finished session can show in a log line
 * (struct log_sess), filled by the worker that served it and walked by
 * logfmt_build() (log.h). Timers are milliseconds, -1 when the session
 * never reached that step (HAProxy prints -1 there too).
 */
#ifndef WEIR_LOG_T_H
#define WEIR_LOG_T_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/time.h>

struct smp_ctx;
struct http_caps;

/* HAProxy's tune.http.logurilen default: the request line behind %r, %HU,
 * %HP, %HQ and %HV is cut to LOG_REQLINE_MAX - 1 bytes, and those
 * variables are read back from the cut line (a cut version reads
 * "HTTP/0.9", as in HAProxy). */
#define LOG_REQLINE_MAX 1024

struct log_sess {
	struct sockaddr_storage cli;    /* %ci %cp: client address */
	struct sockaddr_storage frt;    /* %fi %fp: address the client connected to */
	struct sockaddr_storage bsrc;   /* %bi %bp: our source address towards the server */
	struct sockaddr_storage srv;    /* %si %sp: the server's address */
	const char *fe_name;            /* %f */
	const char *be_name;            /* %b; NULL: "<NOSRV>"-style placeholder by caller */
	const char *srv_name;           /* %s; NULL prints "<NOSRV>" */
	int fe_ssl;                     /* %ft gets a '~' suffix */
	struct timeval accept_date;     /* %t %T %Ts %ms ... (wall clock) */
	struct timeval request_date;    /* %tr (HTTP; equals accept_date in TCP) */
	long t_handshake;               /* %Th */
	long t_idle;                    /* %Ti */
	long t_request;                 /* %TR */
	long t_queue;                   /* %Tw */
	long t_connect;                 /* %Tc */
	long t_response;                /* %Tr */
	long t_active;                  /* %Ta */
	long t_total;                   /* %Tt */
	uint64_t bytes_in;              /* %U: from the client */
	uint64_t bytes_out;             /* %B: to the client */
	char term[5];                   /* %ts / %tsc: "--", "CD", "sC", ... */
	int actconn, feconn, beconn, srvconn;   /* %ac %fc %bc %sc */
	int retries;                    /* %rc */
	int redispatched;               /* %rc gets a '+' prefix */
	int srv_queue, bck_queue;       /* %sq %bq */
	int status;                     /* %ST, -1 none */
	const char *unique_id;          /* %ID */
	uint32_t log_counter;           /* %lc */
	uint32_t req_counter;           /* %rt */
	/* HTTP fields, filled by the HTTP engine (NULL in TCP mode). The
	 * request line as received, before any rule rewrote it (HAProxy logs
	 * the original); logfmt_sess_request() (log.h) fills them from the
	 * parsed head. method NULL: no request was parsed, %r and %H* print
	 * "<BADREQ>" and %hr/%hs print nothing. */
	const char *method, *uri, *version;   /* %HM %HU %HV, %r is built from them */
	/* %hr %hs %hrl %hsl. With caps set: slots [0, max(req_ncap,
	 * caps->nreq)) and [0, max(res_ncap, caps->nres)), each value
	 * encoded on its own; an unset slot prints empty in %hr and "-" in
	 * %hrl. req_ncap/res_ncap are the slots the frontend declares
	 * (`capture request header`, `http-request capture ... len`), which
	 * print even when nothing was captured. Without caps: the joined
	 * strings below (NULL: the frontend captures nothing). */
	const struct http_caps *caps;
	int req_ncap, res_ncap;
	const char *req_captures, *res_captures;  /* %hr %hs, already joined with '|' */
	const char *cli_cookie, *srv_cookie;  /* %CC %CS (`capture cookie`), NULL "-" */
	int logasap;                    /* option logasap: %Tt %Ta %Tu %B get a '+' */
	/* %[sample] values: evaluated against this context (NULL: printed "-").
	 * Set by the HTTP engine and by TCP sessions alike. */
	struct smp_ctx *smp;
};

#endif
