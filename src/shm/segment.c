/*
 * Creates, maps and fills the shared segment from a computed layout
 * (shm-t.h). Runs in the master before the first fork, and in the
 * re-exec'd master when it attaches to the previous generation's segment.
 * Writes the header, the process table's roles, the names and the config
 * fields of every record; after that each field has the single writer
 * named in shm-t.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "weir/cfg-t.h"
#include "weir/shm.h"
#include "weir/util.h"

/* memfd first: anonymous, nothing to unlink, sealable. shm_open on kernels
 * without it, unlinked at once so the segment dies with its last user. */
static int segment_fd(void)
{
	int fd = memfd_create("weir-shm", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd >= 0 || errno != ENOSYS)
		return fd;
	char name[64];
	snprintf(name, sizeof(name), "/weir-shm-%ld-%ld", (long)getpid(), (long)time(NULL));
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		shm_unlink(name);
	return fd;
}

static uint64_t now_ms(clockid_t clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct filler {
	void *base;
	const struct shm_layout *l;
	uint64_t name_next;       /* next free byte of NAMES */
	uint64_t now_s;
};

static uint32_t put_name(struct filler *f, const char *s)
{
	size_t n = strlen(s ? s : "") + 1;
	uint64_t off = f->name_next;
	WEIR_ASSERT(off + n <= f->l->region[SHM_R_NAMES].off + f->l->region[SHM_R_NAMES].size);
	memcpy(shm_at(f->base, off), s ? s : "", n);
	f->name_next += n;
	return (uint32_t)off;
}

static void fill_header(struct filler *f)
{
	const struct shm_layout *l = f->l;
	struct shm_header *h = shm_hdr(f->base);
	h->magic = SHM_MAGIC;
	h->layout_version = SHM_LAYOUT_VERSION;
	h->header_size = sizeof(*h);
	h->generation = l->generation;
	h->total_size = l->size;
	h->created_ms = now_ms(CLOCK_REALTIME);
	h->state = SHM_SEG_INIT;
	h->nworkers = l->nworkers;
	h->nproc = l->nproc;
	h->nfe = l->nfe;
	h->nbe = l->nbe;
	h->nsrv = l->nsrv;
	h->nli = l->nli;
	h->nstick = l->nstick;
	memcpy(h->shard_off, l->shard_off, sizeof(h->shard_off));
	memcpy(h->shard_size, l->shard_size, sizeof(h->shard_size));
	memcpy(h->region, l->region, sizeof(h->region));
}

/* Slot 0 is the master, then the workers, the checker and stats. */
static void fill_procs(struct filler *f)
{
	const struct shm_layout *l = f->l;
	for (uint32_t i = 0; i < l->nproc; i++) {
		struct shm_proc *p = shm_proc(f->base, i);
		p->generation = l->generation;
		if (i == 0) {
			p->role = SHM_ROLE_MASTER;
			p->pid = (int32_t)getpid();
			p->start_ms = now_ms(CLOCK_REALTIME);
		} else if (i <= l->nworkers) {
			p->role = SHM_ROLE_WORKER;
			p->worker = i - 1;
		} else {
			p->role = i == l->nworkers + 1 ? SHM_ROLE_CHECKER : SHM_ROLE_STATS;
		}
	}
}

static uint32_t fill_listeners(struct filler *f, const struct proxy_conf *px, uint32_t fe,
			       uint32_t li)
{
	const struct bind_conf *b;
	VEC_EACH(&px->binds, const struct bind_conf *, b) {
		struct shm_li *r = shm_listener(f->base, li++);
		r->name_off = put_name(f, shm_listener_name(b));
		r->fe_index = fe;
		r->id = b->id;
		r->maxconn = b->maxconn;
		r->state = px->disabled ? SHM_PX_STOP : SHM_PX_OPEN;
	}
	return li;
}

static void fill_frontend(struct filler *f, const struct proxy_conf *px, int i, uint32_t *li)
{
	uint32_t fe = (uint32_t)f->l->fe_of_px[i];
	struct shm_fe *r = shm_frontend(f->base, fe);
	r->name_off = put_name(f, px->name);
	r->id = px->id;
	r->cfg_index = (uint32_t)i;
	r->state = px->disabled ? SHM_PX_STOP : SHM_PX_OPEN;
	r->maxconn = px->maxconn;
	r->mode = px->mode;
	r->li_first = *li;
	r->li_count = (uint32_t)px->binds.n;
	*li = fill_listeners(f, px, fe, *li);
}

static void fill_server(struct filler *f, struct shm_srv *r, const struct server_conf *s,
			uint32_t be)
{
	r->name_off = put_name(f, s->name);
	r->be_index = be;
	r->id = s->id;
	r->flags = (s->backup ? SHM_SRV_BACKUP : 0) | (s->check ? SHM_SRV_CHECK : 0) |
		   (s->agent_check ? SHM_SRV_AGENT : 0);
	r->maxconn = s->maxconn;
	r->maxqueue = s->maxqueue;
	r->track_index = SHM_STICK_NONE;
	r->weight_cfg = r->weight_user = (uint32_t)s->weight;
	r->weight_pct = 100;
	r->admin = s->disabled ? SHM_ADMIN_CMAINT : 0;
	/* HAProxy 2.6 starts servers UP, one failed check from DOWN. */
	r->op_state = SHM_OP_UP;
	r->check_rise = s->rise;
	r->check_fall = s->fall;
	r->check_health = s->rise;
	r->check_code = -1;
	r->last_change = f->now_s;
}

static void fill_backend(struct filler *f, const struct proxy_conf *px, int i, uint32_t *srv)
{
	uint32_t be = (uint32_t)f->l->be_of_px[i];
	struct shm_be *r = shm_backend(f->base, be);
	const struct server_conf *s;
	r->name_off = put_name(f, px->name);
	r->id = px->id;
	r->cfg_index = (uint32_t)i;
	r->state = px->disabled ? SHM_PX_STOP : SHM_PX_OPEN;
	r->algo = px->balance.algo;
	r->mode = px->mode;
	r->flags = (px->options >> PX_OPT_ALLBACKUPS) & 1 ? SHM_BE_ALLBACKUPS : 0;
	r->fullconn = px->fullconn;
	r->srv_first = *srv;
	r->srv_count = (uint32_t)px->servers.n;
	r->last_change = f->now_s;
	VEC_EACH(&px->servers, const struct server_conf *, s) {
		fill_server(f, shm_server(f->base, (*srv)++), s, be);
		if (!s->disabled)
			(*(s->backup ? &r->srv_bck : &r->srv_act))++;
	}
}

/* `track [<backend>/]<server>`: the index of the tracked server, looked up
 * by name in the records just written. */
static uint32_t find_server(struct filler *f, uint32_t own_be, const char *track)
{
	const char *slash = strchr(track, '/');
	const char *sname = slash ? slash + 1 : track;
	for (uint32_t b = 0; b < f->l->nbe; b++) {
		struct shm_be *be = shm_backend(f->base, b);
		const char *bname = shm_name(f->base, be->name_off);
		if (slash ? strncmp(bname, track, (size_t)(slash - track)) != 0 ||
			    bname[slash - track] != '\0' : b != own_be)
			continue;
		for (uint32_t i = be->srv_first; i < be->srv_first + be->srv_count; i++)
			if (strcmp(shm_name(f->base, shm_server(f->base, i)->name_off), sname) == 0)
				return i;
	}
	return SHM_STICK_NONE;
}

static void fill_tracks(struct filler *f)
{
	const struct proxy_conf *px;
	uint32_t i = 0;
	VEC_EACH(&f->l->cfg->proxies, const struct proxy_conf *, px) {
		const struct server_conf *s;
		if (!(px->cap & PX_CAP_BE))
			continue;
		VEC_EACH(&px->servers, const struct server_conf *, s) {
			struct shm_srv *r = shm_server(f->base, i++);
			if (!s->track)
				continue;
			r->track_index = find_server(f, r->be_index, s->track);
			if (r->track_index != SHM_STICK_NONE)
				r->flags |= SHM_SRV_TRACKED;
		}
	}
}

static void fill_sticks(struct filler *f)
{
	for (uint32_t i = 0; i < f->l->nstick; i++) {
		struct shm_stick *t = shm_stick(f->base, i);
		*t = f->l->stick[i];
		t->name_off = put_name(f, f->l->stick_conf[i]->name);
		t->lru_head = t->lru_tail = SHM_STICK_NONE;
		memset(shm_at(f->base, t->buckets_off), 0xff, (size_t)t->nbuckets * 4);
	}
}

static void fill_records(struct filler *f)
{
	const struct proxy_conf *px;
	uint32_t li = 0, srv = 0;
	VEC_EACH(&f->l->cfg->proxies, const struct proxy_conf *, px) {
		if (px->cap & PX_CAP_FE)
			fill_frontend(f, px, px_i, &li);
		if (px->cap & PX_CAP_BE)
			fill_backend(f, px, px_i, &srv);
	}
	fill_tracks(f);
	fill_sticks(f);
}

int shm_create(const struct shm_layout *l, struct shm_seg *seg)
{
	memset(seg, 0, sizeof(*seg));
	seg->fd = segment_fd();
	if (seg->fd < 0)
		return -1;
	if (ftruncate(seg->fd, (off_t)l->size) < 0)
		goto fail;
	/* Nobody may resize it under the mappings (SIGBUS); best effort. */
	(void)fcntl(seg->fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
	seg->base = mmap(NULL, l->size, PROT_READ | PROT_WRITE, MAP_SHARED, seg->fd, 0);
	if (seg->base == MAP_FAILED) {
		seg->base = NULL;
		goto fail;
	}
	seg->size = l->size;
	struct filler f = { .base = seg->base, .l = l, .now_s = now_ms(CLOCK_REALTIME) / 1000 };
	fill_header(&f);
	fill_procs(&f);
	f.name_next = l->region[SHM_R_NAMES].off;
	put_name(&f, "");
	if (l->cfg)
		fill_records(&f);
	return 0;
fail:;
	int e = errno;
	shm_destroy(seg);
	errno = e;
	return -1;
}

static int header_ok(const struct shm_header *h, size_t size)
{
	return h->magic == SHM_MAGIC && h->layout_version == SHM_LAYOUT_VERSION &&
	       h->header_size == sizeof(*h) && h->total_size == size;
}

int shm_attach(int fd, struct shm_seg *seg)
{
	struct stat st;
	memset(seg, 0, sizeof(*seg));
	seg->fd = -1;
	if (fstat(fd, &st) < 0)
		return -1;
	if ((size_t)st.st_size < sizeof(struct shm_header)) {
		errno = EPROTO;
		return -1;
	}
	void *base = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED)
		return -1;
	if (!header_ok(base, (size_t)st.st_size)) {
		munmap(base, (size_t)st.st_size);
		errno = EPROTO;
		return -1;
	}
	seg->base = base;
	seg->size = (size_t)st.st_size;
	seg->fd = fd;
	return 0;
}

void shm_destroy(struct shm_seg *seg)
{
	if (!seg)
		return;
	if (seg->base)
		munmap(seg->base, seg->size);
	if (seg->fd >= 0)
		close(seg->fd);
	seg->base = NULL;
	seg->size = 0;
	seg->fd = -1;
}
