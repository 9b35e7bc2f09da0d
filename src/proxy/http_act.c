/*
 * The run-time executor of HTTP rules (worker processes, traffic path):
 * `http-request`, `http-response` and `http-after-response` lists of one
 * proxy run against one transaction (struct http_act_ctx, http-act.h),
 * the captures of that transaction (`capture request|response header`,
 * `http-request|response capture`), and the verdict handed back to the
 * engine. Head edits are done by src/http/http_edit.c; replies (deny,
 * return, redirect, auth) are built by http_reply.c from the final rule.
 *
 * Owns nothing per transaction: everything lives in the context, the
 * message and the captures the engine passes. One process-wide buffer
 * holds the text of the log-format argument being built (workers are
 * single threaded; a rule builds one text at a time). Touches nothing in
 * the shared segment.
 */
#include <limits.h>
#include <string.h>

#include "weir/http-act.h"
#include "weir/http.h"
#include "weir/log.h"
#include "weir/sample-rt.h"
#include "weir/util.h"
#include "rule-int.h"

_Static_assert((int)HTTP_NM_STR == (int)HDR_MATCH_STR && (int)HTTP_NM_BEG == (int)HDR_MATCH_BEG &&
	       (int)HTTP_NM_END == (int)HDR_MATCH_END && (int)HTTP_NM_SUB == (int)HDR_MATCH_SUB &&
	       (int)HTTP_NM_REG == (int)HDR_MATCH_REG, "del-header -m methods");

/* ------------------------------------------------------------ captures */

const char *http_cap_get(const struct http_caps *caps, int is_res, int idx, size_t *len)
{
	*len = 0;
	if (!caps || idx < 0 || idx >= (is_res ? caps->nres : caps->nreq))
		return NULL;
	const struct http_cap *s = is_res ? &caps->res[idx] : &caps->req[idx];
	if (!s->set)
		return NULL;
	*len = s->len;
	return caps->data + s->off;
}

int http_cap_set(struct http_caps *caps, int is_res, int idx, const char *p, size_t len,
		 size_t max)
{
	if (!caps || idx < 0 || idx >= HTTP_CAPS_MAX)
		return -1;
	struct http_cap *s = is_res ? &caps->res[idx] : &caps->req[idx];
	int *n = is_res ? &caps->nres : &caps->nreq;
	if (len > max)
		len = max;
	/* a value no longer than the one it replaces reuses its place */
	if (!s->set || len > s->len) {
		if (len > HTTP_CAPS_DATA - caps->used)
			return -1;
		s->off = (uint16_t)caps->used;
		caps->used += (uint32_t)len;
	}
	memcpy(caps->data + s->off, p, len);
	s->len = (uint16_t)len;
	s->set = 1;
	if (*n < idx + 1)
		*n = idx + 1;
	return 0;
}

static int is_len_capture(const struct rule *r)
{
	return r->act == ACT_CAPTURE && r->ival_set;
}

/*
 * The request capture slots of frontend fe: its `capture request header`
 * lines in order, then its `http-request capture ... len` rules (those of
 * its defaults section first). Fills lens[] (the length of each slot) and
 * returns the count; *of gets the slot of rule `want` (-1: none).
 * HAProxy numbers both kinds in one sequence of declaration; weir puts
 * the header slots first, so %hr keeps them in the order written.
 */
static int req_slots(const struct proxy_conf *fe, const struct rule *want, int *lens, int *of)
{
	const struct capture_conf *cc;
	const struct rule *r;
	int n = 0;
	*of = -1;
	VEC_EACH(&fe->captures, const struct capture_conf *, cc)
		if (!cc->is_cookie && !cc->is_response && n < HTTP_CAPS_MAX)
			lens[n++] = cc->len;
	const struct vec *lists[2] = {
		fe->defaults ? rule_list_cvec(fe->defaults, RULE_HTTP_REQ) : NULL,
		rule_list_cvec(fe, RULE_HTTP_REQ),
	};
	int skip = rule_own_start(lists[1], lists[0]);
	for (int l = 0; l < 2; l++) {
		if (!lists[l])
			continue;
		for (int i = l ? skip : 0; i < lists[l]->n && n < HTTP_CAPS_MAX; i++) {
			r = lists[l]->v[i];
			if (!is_len_capture(r))
				continue;
			if (r == want)
				*of = n;
			lens[n++] = (int)r->ival;
		}
	}
	return n;
}

static int res_slots(const struct proxy_conf *fe, int *lens)
{
	const struct capture_conf *cc;
	int n = 0;
	VEC_EACH(&fe->captures, const struct capture_conf *, cc)
		if (!cc->is_cookie && cc->is_response && n < HTTP_CAPS_MAX)
			lens[n++] = cc->len;
	return n;
}

void http_caps_take(const struct proxy_conf *fe, const struct http_msg *m, int is_res,
		    struct http_caps *caps)
{
	const struct capture_conf *cc;
	int lens[HTTP_CAPS_MAX], of, slot = 0;
	if (!fe || !caps)
		return;
	VEC_EACH(&fe->captures, const struct capture_conf *, cc) {
		if (cc->is_cookie || cc->is_response != is_res)
			continue;
		if (slot == HTTP_CAPS_MAX)
			break;
		size_t nlen = strlen(cc->name);
		int last = -1;
		for (int i = http_hdr_find(m, cc->name, nlen, 0); i >= 0;
		     i = http_hdr_find(m, cc->name, nlen, i + 1))
			last = i;
		if (last >= 0)
			(void)http_cap_set(caps, is_res, slot, http_str_ptr(m, m->hdrs[last].value),
					   m->hdrs[last].value.len, (size_t)cc->len);
		slot++;
	}
	int total = is_res ? res_slots(fe, lens) : req_slots(fe, NULL, lens, &of);
	int *n = is_res ? &caps->nres : &caps->nreq;
	if (*n < total)
		*n = total;
}

/* ------------------------------------------------------------ log-format text */

const struct log_sess *http_act_log_sess(const struct http_act_ctx *c, const struct logfmt *fmt)
{
	struct http_act_log *lg = c->log;
	if (!lg || !lg->ls)
		return NULL;
	if (lg->ready)
		return lg->ls;
	if (fmt && !(fmt->needs & LFN_NEED_VARS)) {
		lg->ls->smp = c->smp;
		return lg->ls;
	}
	if (lg->fill)
		lg->fill(lg->arg, lg->ls);
	lg->ready = 1;
	return lg->ls;
}

static char *lf_buf;
static size_t lf_cap;

/* The text of a log-format argument, in the process' buffer. The buffer
 * is one byte longer than the head buffer: a text that logfmt_build() had
 * to cut is longer than any head can take, so the edit refuses it rather
 * than sending a truncated value. */
static void lf_text(struct http_act_ctx *c, const struct logfmt *fmt, const char *text,
		    const char **out, size_t *len)
{
	static const struct log_sess no_ls;
	size_t cap = (c->msg ? c->msg->buf_cap : 0) + 1;
	if (cap < SMP_VARS_DATA + 1)
		cap = SMP_VARS_DATA + 1;
	if (!fmt) {
		*out = text ? text : "";
		*len = strlen(*out);
		return;
	}
	if (lf_cap < cap) {
		lf_buf = xrealloc(lf_buf, cap);
		lf_cap = cap;
	}
	const struct log_sess *ls = http_act_log_sess(c, fmt);
	int n = logfmt_build(fmt, ls ? ls : &no_ls, lf_buf, cap);
	*out = lf_buf;
	*len = n < 0 ? 0 : (size_t)n;   /* a missing mandatory field: empty */
}

/* ------------------------------------------------------------ actions */

/* State of one run: strict-mode is on at the start of every ruleset. */
struct run {
	int strict;
};

static enum http_verdict rewritten(struct http_act_ctx *c, const struct run *st,
				   const struct rule *r, int rc)
{
	if (rc == 0)
		return HTTP_V_CONTINUE;
	c->failed_rewrites++;
	if (!st->strict)
		return HTTP_V_CONTINUE;
	c->final = r;
	return HTTP_V_ERROR;
}

/*
 * A rule naming Content-Length or Transfer-Encoding is skipped: the
 * engine frames the body from what it parsed, and a head that said
 * otherwise would desynchronize the peer (HAProxy re-frames the body from
 * the edited head instead; weir keeps the framing the peer sent, which is
 * the same bytes on the wire for a valid message). Not a failed rewrite,
 * so a configuration that HAProxy runs does not answer 500 here.
 */
static int do_header(struct http_act_ctx *c, const struct rule *r)
{
	struct http_msg *m = c->msg;
	const char *v;
	size_t vl, nl = strlen(r->name);
	if (http_hdr_is_framing(r->name, nl) && (r->act != ACT_DEL_HDR || r->match == HDR_MATCH_STR))
		return 0;
	switch (r->act) {
	case ACT_SET_HDR:
		lf_text(c, r->fmt, r->text, &v, &vl);
		return http_hdr_set(m, r->name, nl, v, vl);
	case ACT_ADD_HDR:
		lf_text(c, r->fmt, r->text, &v, &vl);
		return http_hdr_add(m, r->name, nl, v, vl);
	case ACT_DEL_HDR:
		return http_hdr_del_match(m, r->name, nl, (enum http_name_match)r->match, r->regex);
	case ACT_REPLACE_HDR:
		lf_text(c, r->fmt2, r->text2, &v, &vl);
		return http_hdr_replace(m, r->name, nl, r->regex, v, vl);
	case ACT_REPLACE_VAL:
		lf_text(c, r->fmt2, r->text2, &v, &vl);
		return http_hdr_replace_value(m, r->name, nl, r->regex, v, vl);
	default:
		return 0;
	}
}

static int do_request_line(struct http_act_ctx *c, const struct rule *r)
{
	struct http_msg *m = c->msg;
	const char *v;
	size_t vl;
	if (r->act >= ACT_REPLACE_PATH && r->act <= ACT_REPLACE_URI) {
		enum http_uri_part part = r->act == ACT_REPLACE_PATH ? HTTP_URI_PATH
					: r->act == ACT_REPLACE_PATHQ ? HTTP_URI_PATHQ : HTTP_URI_ALL;
		lf_text(c, r->fmt2, r->text2, &v, &vl);
		return http_replace_uri_part(m, part, r->regex, v, vl);
	}
	lf_text(c, r->fmt, r->text, &v, &vl);
	switch (r->act) {
	case ACT_SET_PATH: return http_set_path(m, v, vl);
	case ACT_SET_PATHQ: return http_set_pathq(m, v, vl);
	case ACT_SET_QUERY: return http_set_query(m, v, vl);
	case ACT_SET_URI: return http_set_uri(m, v, vl);
	case ACT_SET_METHOD: return http_set_method(m, v, vl);
	default: return 0;
	}
}

static int do_set_status(struct http_act_ctx *c, const struct rule *r)
{
	int rc = http_set_status(c->msg, (int)r->ival, r->reason, r->reason ? strlen(r->reason) : 0);
	if (rc == 0 && c->smp)
		c->smp->status = c->msg->status;   /* `status` in the rules after it */
	return rc;
}

/* ------------------------------------------------------------ variables */

static enum smp_var_scope var_scope(int s)
{
	switch ((enum rule_var_scope)s) {
	case VAR_PROC: return VAR_SCOPE_PROC;
	case VAR_SESS: return VAR_SCOPE_SESS;
	case VAR_TXN: return VAR_SCOPE_TXN;
	case VAR_REQ: return VAR_SCOPE_REQ;
	case VAR_RES: return VAR_SCOPE_RES;
	case VAR_CHECK: break;
	}
	return VAR_SCOPE_CHECK;
}

/* r->name is "txn.x": the store wants the name after the scope, and keeps
 * the pointer (the configuration outlives every session). */
static const char *var_name(const struct rule *r)
{
	const char *dot = strchr(r->name, '.');
	return dot ? dot + 1 : r->name;
}

/* A variable that cannot be stored (the store is full, the sample does
 * not exist) is simply not set, as in HAProxy; it is no rewrite. */
static void do_var(struct http_act_ctx *c, const struct rule *r)
{
	struct smp_val v = { 0 };
	enum smp_var_scope sc = var_scope(r->var_scope);
	struct smp_vars *vs = c->smp ? c->smp->vars : NULL;
	switch (r->act) {
	case ACT_SET_VAR:
		if (c->smp && sample_eval(r->expr, c->smp, &v) == 0)
			(void)smp_var_set(vs, sc, var_name(r), &v);
		return;
	case ACT_SET_VAR_FMT:
		v.type = SMP_T_STR;
		lf_text(c, r->fmt, r->text, &v.str.ptr, &v.str.len);
		(void)smp_var_set(vs, sc, var_name(r), &v);
		return;
	case ACT_UNSET_VAR:
		/* the store has no removal: a variable of type ANY reads as unset */
		if (smp_var_get(vs, sc, var_name(r), &v) == 0) {
			struct smp_val none = { .type = SMP_T_ANY };
			(void)smp_var_set(vs, sc, var_name(r), &none);
		}
		return;
	default:
		return;
	}
}

/* ------------------------------------------------------------ settings, captures */

static void do_set_timeout(struct http_act_ctx *c, const struct rule *r)
{
	long ms = r->ival;
	if (!r->ival_set) {
		struct smp_val v = { 0 };
		if (!c->smp || sample_eval(r->expr, c->smp, &v) < 0 || smp_cast(&v, SMP_T_SINT, c->smp) < 0)
			return;
		ms = v.sint > INT_MAX ? INT_MAX : (long)v.sint;
	}
	if (ms <= 0)
		return;   /* HAProxy: the timeout must be non-null */
	int *field = r->timeout == RULE_TIMEOUT_SERVER ? &c->tmo_server
		   : r->timeout == RULE_TIMEOUT_TUNNEL ? &c->tmo_tunnel : &c->tmo_client;
	*field = (int)ms;
}

/* `capture <sample> len N` takes its own slot after the header slots;
 * `id N` writes slot N of the frontend (ignored when the frontend has no
 * such slot, as HAProxy does at run time). */
static void do_capture(struct http_act_ctx *c, const struct rule *r, int is_res)
{
	struct smp_val v = { 0 };
	int lens[HTTP_CAPS_MAX], of, n, idx;
	const struct proxy_conf *fe = c->smp && c->smp->fe ? c->smp->fe : c->px;
	if (!c->caps || !c->smp)
		return;
	n = is_res ? res_slots(fe, lens) : req_slots(fe, r, lens, &of);
	idx = r->ival_set ? of : (int)r->ival;
	if (idx < 0 || idx >= n)
		return;
	if (sample_eval(r->expr, c->smp, &v) < 0 || smp_cast(&v, SMP_T_STR, c->smp) < 0)
		return;
	(void)http_cap_set(c->caps, is_res, idx, v.str.ptr, v.str.len, (size_t)lens[idx]);
}

static enum http_verdict do_normalize(struct http_act_ctx *c, const struct rule *r,
				      const struct run *st)
{
	int which = http_norm_lookup(r->name);
	if (which < 0)
		return HTTP_V_CONTINUE;
	int rc = http_uri_normalize(c->msg, (enum http_norm)which, (int)r->ival);
	if (rc == 1) {
		c->final = r;
		return HTTP_V_BADREQ;
	}
	return rewritten(c, st, r, rc);
}

/* ------------------------------------------------------------ the run */

static enum http_verdict ends(struct http_act_ctx *c, const struct rule *r, enum http_verdict v)
{
	c->final = r;
	return v;
}

static enum http_verdict rule_exec(struct http_act_ctx *c, const struct rule *r, struct run *st,
				   int is_res)
{
	switch (r->act) {
	case ACT_ALLOW: return ends(c, r, HTTP_V_ALLOW);
	case ACT_DENY: return ends(c, r, HTTP_V_DENY);
	case ACT_TARPIT: return ends(c, r, HTTP_V_TARPIT);
	case ACT_RETURN: return ends(c, r, HTTP_V_RETURN);
	case ACT_REDIRECT: return ends(c, r, HTTP_V_REDIRECT);
	case ACT_AUTH: return ends(c, r, HTTP_V_AUTH);
	case ACT_REJECT:
	case ACT_SILENT_DROP: return ends(c, r, HTTP_V_REJECT);
	case ACT_USE_SERVICE: return ends(c, r, HTTP_V_SERVICE);
	case ACT_SET_HDR: case ACT_ADD_HDR: case ACT_DEL_HDR:
	case ACT_REPLACE_HDR: case ACT_REPLACE_VAL:
		return rewritten(c, st, r, do_header(c, r));
	case ACT_SET_PATH: case ACT_SET_PATHQ: case ACT_SET_QUERY: case ACT_SET_URI:
	case ACT_SET_METHOD: case ACT_REPLACE_PATH: case ACT_REPLACE_PATHQ: case ACT_REPLACE_URI:
		return rewritten(c, st, r, do_request_line(c, r));
	case ACT_SET_STATUS: return rewritten(c, st, r, do_set_status(c, r));
	case ACT_NORMALIZE_URI: return do_normalize(c, r, st);
	case ACT_SET_VAR: case ACT_SET_VAR_FMT: case ACT_UNSET_VAR:
		do_var(c, r);
		return HTTP_V_CONTINUE;
	case ACT_SET_LOG_LEVEL:
		c->log_level = r->ival < 0 ? HTTP_LOG_SILENT : (int)r->ival;
		return HTTP_V_CONTINUE;
	case ACT_SET_TIMEOUT:
		do_set_timeout(c, r);
		return HTTP_V_CONTINUE;
	case ACT_STRICT_MODE:
		st->strict = r->ival != 0;
		return HTTP_V_CONTINUE;
	case ACT_CAPTURE:
		do_capture(c, r, is_res);
		return HTTP_V_CONTINUE;
	case ACT_EARLY_HINT:
		/* weir sends no 103 interim responses (optional, RFC 8297
		 * section 2): the hint is dropped, the final response is sent */
		return HTTP_V_CONTINUE;
	default:
		/* set-nice, set-tos, set-mark, track-sc*, sc-*, set-map & co,
		 * wait-for-body, set-src...: not executed here (yet) */
		return HTTP_V_CONTINUE;
	}
}

static enum http_verdict run_list(struct http_act_ctx *c, const struct vec *v, int from,
				  struct run *st, int is_res)
{
	for (int i = from; v && i < v->n; i++) {
		const struct rule *r = v->v[i];
		if (r->cond && (!c->smp || !acl_cond_eval(r->cond, c->smp)))
			continue;
		/* what a rule evaluated in the scratch is dead once it ran */
		size_t used = c->smp ? c->smp->scr.used : 0;
		enum http_verdict verdict = rule_exec(c, r, st, is_res);
		if (c->smp)
			c->smp->scr.used = used;
		if (verdict != HTTP_V_CONTINUE)
			return verdict;
	}
	return HTTP_V_CONTINUE;
}

enum http_verdict http_rules_run(struct http_act_ctx *c, enum rule_list list)
{
	struct run st = { .strict = 1 };
	const struct vec *own = rule_list_cvec(c->px, list);
	const struct vec *def = c->px->defaults ? rule_list_cvec(c->px->defaults, list) : NULL;
	int is_res = list != RULE_HTTP_REQ;
	/* a list still shared with the defaults holds nothing of its own */
	int skip = rule_own_start(own, def);
	enum http_verdict v = run_list(c, def, 0, &st, is_res);
	if (v != HTTP_V_CONTINUE)
		return v;
	return run_list(c, own, skip, &st, is_res);
}
