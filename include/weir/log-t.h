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
	/* HTTP fields, filled by the HTTP engine (NULL in TCP mode) */
	const char *method, *uri, *version;   /* %HM %HU %HV, %r is built from them */
	const char *req_captures, *res_captures;  /* %hr %hs, already joined with '|' */
	/* %[sample] values: evaluated against this context (NULL: printed "-").
	 * Set by the HTTP engine and by TCP sessions alike. */
	struct smp_ctx *smp;
};

#endif
