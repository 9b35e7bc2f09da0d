/*
 * The `userlist` section: users and groups for `http-request auth` and
 * `http_auth()`. Passwords are kept as written (crypt(3) hashes, or plain
 * text with insecure-password); hashes are checked once at load so that a
 * typo in a hash is a configuration error, not a locked-out operator.
 * Runs in the master while loading.
 */
#include <crypt.h>
#include <string.h>

#include "weir/kwtables.h"

static void split_csv(struct cfg_ctx *ctx, struct vec *out, const char *csv)
{
	const char *p = csv;
	while (*p) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		if (n)
			vec_push(ctx->arena, out, arena_strndup(ctx->arena, p, n));
		p += n + (c ? 1 : 0);
	}
}

/* A crypt(3) hash must name a method the C library knows. */
static int check_hash(struct cfg_ctx *ctx, const char *user, const char *hash)
{
	struct crypt_data cd;
	memset(&cd, 0, sizeof(cd));
	const char *r = crypt_r("weir-probe", hash, &cd);
	/* crypt(3) reads only the method and salt of `hash`; a well-formed hash
	 * gives a result of the same length, a truncated or mangled one not. */
	if (!r || r[0] == '*' || strlen(r) != strlen(hash)) {
		cfg_alert(ctx, "user '%s' : the password hash is not in a format crypt(3) "
			  "supports here (generate one with 'mkpasswd -m sha-512'); for a "
			  "plain-text password write 'insecure-password <password>'", user);
		return -1;
	}
	return 0;
}

/* user <name> [password <hash>|insecure-password <pass>] [groups <g1,g2>] */
static int kw_user(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 1, 5) < 0)
		return -1;
	struct userlist_user *u = arena_alloc(ctx->arena, sizeof(*u));
	u->name = arena_strdup(ctx->arena, argv[0]);
	u->loc = ctx->loc;
	struct userlist_user *o;
	VEC_EACH(&ctx->ul->users, struct userlist_user *, o)
		if (strcmp(o->name, u->name) == 0) {
			cfg_alert(ctx, "userlist '%s' : user '%s' is declared twice (first at line %d)",
				  ctx->ul->name, u->name, o->loc.line);
			return -1;
		}
	for (int i = 1; i < argc; i++) {
		int pw = strcmp(argv[i], "password") == 0;
		if ((pw || strcmp(argv[i], "insecure-password") == 0) && i + 1 < argc) {
			u->password = arena_strdup(ctx->arena, argv[++i]);
			u->insecure = !pw;
			if (pw && check_hash(ctx, u->name, u->password) < 0)
				return -1;
		} else if (strcmp(argv[i], "groups") == 0 && i + 1 < argc) {
			split_csv(ctx, &u->groups, argv[++i]);
		} else {
			cfg_alert(ctx, "'user %s' : unexpected '%s' (expected: [password <hash>|"
				  "insecure-password <password>] [groups <group>[,<group>...]])",
				  u->name, argv[i]);
			return -1;
		}
	}
	vec_push(ctx->arena, &ctx->ul->users, u);
	return 0;
}

/* group <name> [users <u1,u2>] */
static int kw_group(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 1, 3) < 0)
		return -1;
	struct userlist_group *g = arena_alloc(ctx->arena, sizeof(*g));
	g->name = arena_strdup(ctx->arena, argv[0]);
	g->loc = ctx->loc;
	if (argc == 3 && strcmp(argv[1], "users") == 0)
		split_csv(ctx, &g->users, argv[2]);
	else if (argc != 1) {
		cfg_alert(ctx, "'group %s' : expected 'users <user>[,<user>...]'", g->name);
		return -1;
	}
	vec_push(ctx->arena, &ctx->ul->groups, g);
	return 0;
}

/* Every group a user names must exist in the same userlist. */
static void userlist_finish(struct cfg *cfg)
{
	struct userlist_conf *ul;
	VEC_EACH(&cfg->userlists, struct userlist_conf *, ul) {
		struct userlist_user *u;
		VEC_EACH(&ul->users, struct userlist_user *, u) {
			const char *gname;
			VEC_EACH(&u->groups, const char *, gname) {
				int found = 0;
				struct userlist_group *g;
				VEC_EACH(&ul->groups, struct userlist_group *, g)
					found |= strcmp(g->name, gname) == 0;
				if (!found)
					cfg_diag_at(cfg, CFG_ALERT, &u->loc, "userlist '%s' : user '%s' "
						    "names group '%s', which is not declared (add "
						    "'group %s' to the userlist)", ul->name, u->name,
						    gname, gname);
			}
		}
	}
}

static const struct cfg_kw userlist_kws[] = {
	{ "user", CFG_SEC_USERLIST, kw_user, NULL,
	  "<name> [password <hash>|insecure-password <password>] [groups <g>[,<g>...]]",
	  "a user of the list", 0 },
	{ "group", CFG_SEC_USERLIST, kw_group, NULL, "<name> [users <u>[,<u>...]]",
	  "a group of the list", 0 },
};

const struct cfg_kw_table userlist_kw_table = {
	"userlist", userlist_kws, (int)ARRAY_SIZE(userlist_kws), userlist_finish
};
