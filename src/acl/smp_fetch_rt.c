/*
 * Run-time fetches that are not HTTP: constants, time, environment,
 * uuid(), variables, addresses of the client connection, and the proxy
 * fetches that read the shared segment (nbsrv, be_conn, fe_conn). Runs in
 * the workers; reads backend and frontend records of the segment, never
 * writes them.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "smp-rt-int.h"
#include "weir/cfg-t.h"
#include "weir/shm.h"

/* always_true/false, bool(), int(), str(), ipv4(), ipv6(), meth(): the
 * argument was checked at load time. */
SMP_FN(smp_fetch_const)
{
	smp->type = SMP_T_BOOL;
	if (!strcmp(param, "true") || !strcmp(param, "false")) {
		smp->sint = param[0] == 't';
		return 0;
	}
	if (nargs < 1)
		return -1;
	const char *t = args[0].text;
	switch (param[0]) {
	case 'b':
		smp->sint = args[0].u.sint;
		return 0;
	case 'i':
		smp->type = SMP_T_SINT;
		smp->sint = args[0].u.sint;
		return 0;
	case '4':
		smp->type = SMP_T_IPV4;
		return inet_pton(AF_INET, t, &smp->ip4) == 1 ? 0 : -1;
	case '6':
		smp->type = SMP_T_IPV6;
		return inet_pton(AF_INET6, t, &smp->ip6) == 1 ? 0 : -1;
	case 'm':
		smp_set_str(smp, t, strlen(t));
		return smp_cast(smp, SMP_T_METH, c);
	default:
		smp_set_str(smp, t, strlen(t));
		return 0;
	}
}

/* date([<offset>[,<unit>]]): seconds since the epoch, or ms/us with the
 * unit, the offset counted in that unit. */
SMP_FN(smp_fetch_date)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	const char *unit = nargs >= 2 ? args[1].text : "s";
	long long v = tv.tv_sec;
	if (!strcmp(unit, "ms"))
		v = (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
	else if (!strcmp(unit, "us"))
		v = (long long)tv.tv_sec * 1000000 + tv.tv_usec;
	smp->type = SMP_T_SINT;
	smp->sint = v + (nargs >= 1 ? args[0].u.sint : 0);
	return 0;
}

SMP_FN(smp_fetch_date_us)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	smp->type = SMP_T_SINT;
	smp->sint = tv.tv_usec;
	return 0;
}

SMP_FN(smp_fetch_env)
{
	const char *v = getenv(args[0].text);
	if (!v)
		return -1;
	smp_set_str(smp, v, strlen(v));
	return 0;
}

SMP_FN(smp_fetch_uuid)
{
	char tmp[37];
	char *p = smp_scratch_alloc(c, 36);
	if (!p)
		return -1;
	smp_uuid4(tmp);
	memcpy(p, tmp, 36);
	smp->type = SMP_T_STR;
	smp->str.ptr = p;
	smp->str.len = 36;
	return 0;
}

/* var(<name>[,<default>]): the default is a string, as in HAProxy. */
SMP_FN(smp_fetch_var)
{
	if (smp_var_get(c->vars, args[0].u.var.scope, args[0].u.var.name, smp) == 0)
		return 0;
	if (nargs < 2)
		return -1;
	smp_set_str(smp, args[1].text, strlen(args[1].text));
	return 0;
}

SMP_FN(smp_fetch_rand)
{
	uint64_t r = smp_rand64() >> 32;
	smp->type = SMP_T_SINT;
	smp->sint = nargs >= 1 && args[0].u.sint > 0 ?
		    (long long)((r * (uint64_t)args[0].u.sint) >> 32) : (long long)r;
	return 0;
}

SMP_FN(smp_fetch_pid)
{
	smp->type = SMP_T_SINT;
	smp->sint = getpid();
	return 0;
}

/* ------------------------------------------------ proxies */

/* The proxy an argument names (resolved at load time; by name for an
 * expression parsed after the load), else the current frontend or
 * backend; its record through the layout's index. */
int smp_px_rec(struct smp_ctx *c, const struct sample_arg *arg, int backend)
{
	const struct proxy_conf *px;
	const int *map = backend ? c->be_of_px : c->fe_of_px;
	unsigned cap = backend ? PX_CAP_BE : PX_CAP_FE;
	if (!arg)
		return backend ? c->be_rec : c->fe_rec;
	if (!c->cfg || !map)
		return -1;
	VEC_EACH(&c->cfg->proxies, const struct proxy_conf *, px)
		if (arg->resolved ? px == arg->u.ref :
		    (px->cap & cap) && !(px->cap & PX_CAP_DEF) && !strcmp(px->name, arg->text))
			return map[px_i];
	return -1;
}

/* be_conn, fe_conn: current sessions, the record's exact gauge. */
SMP_FN(smp_fetch_px_conn)
{
	int be = param[0] == 'b';
	int rec = smp_px_rec(c, nargs >= 1 ? &args[0] : NULL, be);
	if (!c->shm || rec < 0)
		return -1;
	const uint64_t *scur = be ? &shm_backend(c->shm, (uint32_t)rec)->c.scur :
			       &shm_frontend(c->shm, (uint32_t)rec)->c.scur;
	smp->type = SMP_T_SINT;
	smp->sint = (long long)__atomic_load_n(scur, __ATOMIC_RELAXED);
	return 0;
}

/* nbsrv: usable servers, as HAProxy counts them: the active ones up; with
 * none, the backups up, of which only the first is used unless
 * `option allbackups`. The checker keeps srv_act/srv_bck current. */
SMP_FN(smp_fetch_nbsrv)
{
	int rec = smp_px_rec(c, nargs >= 1 ? &args[0] : NULL, 1);
	if (!c->shm || rec < 0)
		return -1;
	const struct shm_be *b = shm_backend(c->shm, (uint32_t)rec);
	uint32_t act = __atomic_load_n(&b->srv_act, __ATOMIC_RELAXED);
	uint32_t bck = __atomic_load_n(&b->srv_bck, __ATOMIC_RELAXED);
	smp->type = SMP_T_SINT;
	if (act)
		smp->sint = act;
	else
		smp->sint = bck && !(b->flags & SHM_BE_ALLBACKUPS) ? 1 : bck;
	return 0;
}

SMP_FN(smp_fetch_px_id)
{
	const struct proxy_conf *px = param[0] == 'b' ? c->be : c->fe;
	if (!px)
		return -1;
	smp->type = SMP_T_SINT;
	smp->sint = px->id;
	return 0;
}

SMP_FN(smp_fetch_px_name)
{
	const struct proxy_conf *px = param[0] == 'b' ? c->be : c->fe;
	if (!px)
		return -1;
	smp_set_str(smp, px->name, strlen(px->name));
	return 0;
}

/* ------------------------------------------------ layer 4 */

static const struct sockaddr_storage *l4_addr(struct smp_ctx *c, const char *param)
{
	return param[0] == 's' ? c->cli : c->fe_addr;
}

SMP_FN(smp_fetch_addr)
{
	const struct sockaddr_storage *ss = l4_addr(c, param);
	if (!ss)
		return -1;
	if (ss->ss_family == AF_INET) {
		smp->type = SMP_T_IPV4;
		smp->ip4 = ((const struct sockaddr_in *)ss)->sin_addr;
	} else if (ss->ss_family == AF_INET6) {
		smp->type = SMP_T_IPV6;
		smp->ip6 = ((const struct sockaddr_in6 *)ss)->sin6_addr;
	} else {
		return -1;
	}
	return 0;
}

SMP_FN(smp_fetch_port)
{
	const struct sockaddr_storage *ss = l4_addr(c, param);
	if (!ss)
		return -1;
	smp->type = SMP_T_SINT;
	if (ss->ss_family == AF_INET)
		smp->sint = ntohs(((const struct sockaddr_in *)ss)->sin_port);
	else if (ss->ss_family == AF_INET6)
		smp->sint = ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	else
		return -1;
	return 0;
}

/* ssl_fc: 0 until TLS terminates in weir (the ssl seam sets c->ssl). */
SMP_FN(smp_fetch_ssl_fc)
{
	smp->type = SMP_T_BOOL;
	smp->sint = c->ssl != 0;
	return 0;
}
