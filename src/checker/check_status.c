/*
 * The names and descriptions of check results, as `show stat` prints them
 * in check_status and the logs in "reason: ...". Shared by the checker
 * (which stores the codes in the segment) and the stats process (which
 * prints them). Facts from HAProxy's management guide, section 9.1.
 */
#include "weir/checker.h"
#include "weir/shm-t.h"
#include "weir/util.h"

static const struct {
	const char *name;
	const char *desc;
} check_statuses[CHK_ST__COUNT] = {
	[CHK_ST_UNKNOWN] = { "", "Unknown" },
	[CHK_ST_INI] = { "INI", "Initializing" },
	[CHK_ST_SOCKERR] = { "SOCKERR", "Socket error" },
	[CHK_ST_L4OK] = { "L4OK", "Layer4 check passed" },
	[CHK_ST_L4TOUT] = { "L4TOUT", "Layer4 timeout" },
	[CHK_ST_L4CON] = { "L4CON", "Layer4 connection problem" },
	[CHK_ST_L6OK] = { "L6OK", "Layer6 check passed" },
	[CHK_ST_L6TOUT] = { "L6TOUT", "Layer6 timeout" },
	[CHK_ST_L6RSP] = { "L6RSP", "Layer6 invalid response" },
	[CHK_ST_L7TOUT] = { "L7TOUT", "Layer7 timeout" },
	[CHK_ST_L7RSP] = { "L7RSP", "Layer7 invalid response" },
	[CHK_ST_L7OK] = { "L7OK", "Layer7 check passed" },
	[CHK_ST_L7OKC] = { "L7OKC", "Layer7 check conditionally passed" },
	[CHK_ST_L7STS] = { "L7STS", "Layer7 wrong status" },
	[CHK_ST_HANA] = { "HANA", "Health analyze" },
	[CHK_ST_CHECKED] = { "CHECKED", "No status change" },
};

const char *check_status_name(unsigned st)
{
	return st < CHK_ST__COUNT ? check_statuses[st].name : "";
}

const char *check_status_desc(unsigned st)
{
	return st < CHK_ST__COUNT ? check_statuses[st].desc : "Unknown";
}

/* HAProxy's words for the events of its health analysis, the "last one
 * was: ..." of an `observe` verdict (its analyze_statuses). */
static const char *const observe_descs[SHM_OBS__COUNT] = {
	[SHM_OBS_NONE] = "Unknown",
	[SHM_OBS_L4_OK] = "L4 successful connection",
	[SHM_OBS_L4_ERR] = "L4 unsuccessful connection",
	[SHM_OBS_HTTP_OK] = "Correct http response",
	[SHM_OBS_HTTP_STS] = "Wrong http response",
	[SHM_OBS_HTTP_HDRRSP] = "Invalid http response (headers)",
	[SHM_OBS_HTTP_RSP] = "Invalid http response",
	[SHM_OBS_HTTP_READ_ERROR] = "Read error (http)",
	[SHM_OBS_HTTP_READ_TIMEOUT] = "Read timeout (http)",
	[SHM_OBS_HTTP_BROKEN_PIPE] = "Close from server (http)",
};

const char *check_observe_desc(unsigned ev)
{
	return ev < SHM_OBS__COUNT ? observe_descs[ev] : observe_descs[SHM_OBS_NONE];
}
