/*
 * Types of compiled log-format strings (logfmt.h).
 *
 * A format such as `%ci:%cp [%tr] %{+Q}r` compiles once, at load time in
 * the master, into an array of nodes: literal text, a variable (%ci) with
 * its flags, or a sample expression (%[src,ipmask(24)]). The workers walk
 * the array to build a line; nothing is parsed on the traffic path.
 * The model is plain data in the configuration arena (cfg-t.h).
 */
#ifndef WEIR_LOGFMT_T_H
#define WEIR_LOGFMT_T_H

#include "weir/cfg-t.h"

/*
 * Every variable of HAProxy 2.6's "Custom log format" table. The names,
 * the HTTP-only marks and the meanings are listed once, in logfmt.c.
 */
enum logfmt_var {
	LFV_BYTES_DOWN = 0,  /* %B   bytes sent to the client */
	LFV_CCLIENT,         /* %CC  captured request cookie */
	LFV_CSERVER,         /* %CS  captured response cookie */
	LFV_HOSTNAME,        /* %H   local host name */
	LFV_UNIQUE_ID,       /* %ID  unique-id */
	LFV_STATUS,          /* %ST  status code */
	LFV_DATE_GMT,        /* %T   accept date, GMT */
	LFV_TA,              /* %Ta  active time of the request */
	LFV_TC,              /* %Tc  time to connect */
	LFV_TD,              /* %Td  data transfer time */
	LFV_TH,              /* %Th  handshake time */
	LFV_TI,              /* %Ti  idle time before the request */
	LFV_DATE_LOCAL,      /* %Tl  accept date, local time */
	LFV_TQ,              /* %Tq  Th + Ti + TR */
	LFV_TR_RECV,         /* %TR  time to receive the full request */
	LFV_TR_RESP,         /* %Tr  server response time */
	LFV_TS,              /* %Ts  accept date as a UNIX timestamp */
	LFV_TT,              /* %Tt  total session time */
	LFV_TU,              /* %Tu  total time minus idle */
	LFV_TW,              /* %Tw  time in queues */
	LFV_BYTES_UP,        /* %U   bytes received from the client */
	LFV_ACTCONN,         /* %ac  process concurrent connections */
	LFV_BACKEND,         /* %b   backend name */
	LFV_BECONN,          /* %bc  backend concurrent connections */
	LFV_BACKEND_IP,      /* %bi  backend source IP */
	LFV_BACKEND_PORT,    /* %bp  backend source port */
	LFV_BCKQUEUE,        /* %bq  backend queue */
	LFV_CLIENT_IP,       /* %ci  client IP */
	LFV_CLIENT_PORT,     /* %cp  client port */
	LFV_FRONTEND,        /* %f   frontend name */
	LFV_FECONN,          /* %fc  frontend concurrent connections */
	LFV_FRONTEND_IP,     /* %fi  frontend IP */
	LFV_FRONTEND_PORT,   /* %fp  frontend port */
	LFV_FRONTEND_XPRT,   /* %ft  frontend name, '~' suffix with TLS */
	LFV_HDR_REQ,         /* %hr  captured request headers */
	LFV_HDR_REQ_LIST,    /* %hrl captured request headers, as a list */
	LFV_HDR_RES,         /* %hs  captured response headers */
	LFV_HDR_RES_LIST,    /* %hsl captured response headers, as a list */
	LFV_HTTP_METHOD,     /* %HM  HTTP method */
	LFV_HTTP_PATH,       /* %HP  request URI without the query string */
	LFV_HTTP_PATH_ONLY,  /* %HPO path only (no host, no query) */
	LFV_HTTP_QUERY,      /* %HQ  query string, with its '?' */
	LFV_HTTP_URI,        /* %HU  request URI */
	LFV_HTTP_VERSION,    /* %HV  HTTP version */
	LFV_LOG_COUNTER,     /* %lc  log counter */
	LFV_MS,              /* %ms  accept date milliseconds */
	LFV_PID,             /* %pid process id */
	LFV_REQUEST,         /* %r   request line */
	LFV_RETRIES,         /* %rc  retries */
	LFV_REQ_COUNTER,     /* %rt  request counter */
	LFV_SERVER,          /* %s   server name */
	LFV_SRVCONN,         /* %sc  server concurrent connections */
	LFV_SERVER_IP,       /* %si  server IP */
	LFV_SERVER_PORT,     /* %sp  server port */
	LFV_SRVQUEUE,        /* %sq  server queue */
	LFV_SSL_CIPHER,      /* %sslc TLS cipher */
	LFV_SSL_VERSION,     /* %sslv TLS version */
	LFV_DATE,            /* %t   accept date, local, with ms */
	LFV_TR_DATE,         /* %tr  request date, local */
	LFV_TR_DATE_GMT,     /* %trg request date, GMT */
	LFV_TR_DATE_LOCAL,   /* %trl request date, local with offset */
	LFV_TERMSTATE,       /* %ts  termination state */
	LFV_TERMSTATE_CK,    /* %tsc termination state with cookie status */
	LFV__COUNT
};

/* Flags of `%{+Q}` and friends: HAProxy's M, Q, X and E. */
enum logfmt_flag {
	LFF_MANDATORY = 1 << 0,   /* M: the line is dropped when the value is empty */
	LFF_QUOTE = 1 << 1,       /* Q: "value" */
	LFF_HEX = 1 << 2,         /* X: numbers in hexadecimal */
	LFF_ESCAPE = 1 << 3,      /* E: escape '"', '\' and ']' (RFC 5424) */
};

enum logfmt_node_kind {
	LFN_TEXT = 0,             /* literal text, `text` */
	LFN_VAR,                  /* a variable, `var` */
	LFN_SAMPLE,               /* %[expr], `expr` */
};

struct logfmt_node {
	enum logfmt_node_kind kind;
	enum logfmt_var var;
	unsigned flags;           /* enum logfmt_flag */
	char *text;               /* LFN_TEXT: the literal; LFN_SAMPLE: the expression text */
	struct sample_expr *expr;
};

/* What a compiled format needs from a session, so that the workers keep
 * only what will be logged. */
enum logfmt_need {
	LFN_NEED_HTTP = 1 << 0,   /* uses an HTTP-only variable */
	LFN_NEED_REQ_HDRS = 1 << 1,   /* %hr, %hrl, %CC */
	LFN_NEED_RES_HDRS = 1 << 2,   /* %hs, %hsl, %CS */
	LFN_NEED_SRC_ADDR = 1 << 3,   /* %bi, %bp */
	LFN_NEED_UNIQUE_ID = 1 << 4,  /* %ID */
	LFN_NEED_SAMPLES = 1 << 5,    /* %[...] */
	LFN_NEED_VARS = 1 << 6,       /* any %var: the log values beyond smp */
};

struct logfmt {
	const char *src;          /* the format as written */
	struct cfg_loc loc;       /* where it was written */
	int n;
	struct logfmt_node *nodes;
	unsigned needs;           /* enum logfmt_need */
	int first_http_var;       /* index of the first HTTP-only variable node, -1 none */
};

#endif
