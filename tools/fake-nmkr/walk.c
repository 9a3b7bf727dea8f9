/* SPDX-License-Identifier: MIT */
/*
 * fake-nmkr's walk events: a change to the store made right after a given
 * GetNfts page has been built, before it is sent, so that a test can delete
 * or add an NFT while a client walks a project's pages, as an operator may
 * do in NMKR Studio at any moment. Each event fires on the next `times`
 * builds of its page (default once). One list per
 * process (the program runs one fake), under its own mutex.
 */
#include "nmkr.h"

#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "util/log.h"
#include "util/str.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MAX_EVENTS 64
#define MAX_TIMES 1000

struct walk_event {
	int64_t after_page;
	char project[CS_FAKE_UID_LEN + 1]; /* lowercase */
	char del[CS_FAKE_UID_LEN + 1];     /* "" when adding */
	long add;
	long times; /* builds of the page it still fires on */
};

static pthread_mutex_t events_lock = PTHREAD_MUTEX_INITIALIZER;
static struct walk_event events[MAX_EVENTS];
static size_t nevents;
static int64_t fired;

static void
write_events(struct cs_jw *w)
{
	size_t i;

	cs_jw_obj(w);
	cs_jw_key(w, "events");
	cs_jw_arr(w);
	for (i = 0; i < nevents; i++) {
		cs_jw_obj(w);
		cs_jw_ki64(w, "afterPage", events[i].after_page);
		cs_jw_kstr(w, "project", events[i].project);
		if (events[i].del[0] != '\0')
			cs_jw_kstr(w, "delete", events[i].del);
		else
			cs_jw_ki64(w, "add", events[i].add);
		cs_jw_ki64(w, "times", events[i].times);
		cs_jw_obj_end(w);
	}
	cs_jw_arr_end(w);
	cs_jw_ki64(w, "fired", fired);
	cs_jw_obj_end(w);
}

static void
answer(struct cs_fake_resp *out)
{
	struct cs_jw w;

	cs_jw_init(&w, 64 * 1024);
	pthread_mutex_lock(&events_lock);
	write_events(&w);
	pthread_mutex_unlock(&events_lock);
	cs_fake_resp_jw(out, 200, &w);
}

static const char *
jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Check and add one event object; false with out filled on a bad one. */
static bool
add_event(struct fnmkr *f, struct cs_fake_resp *out, const cJSON *o)
{
	const cJSON *page = cJSON_GetObjectItemCaseSensitive(o, "afterPage");
	const cJSON *add = cJSON_GetObjectItemCaseSensitive(o, "add");
	const cJSON *times = cJSON_GetObjectItemCaseSensitive(o, "times");
	const char *del = jstr(o, "delete"), *proj = jstr(o, "project");
	const struct fnmkr_project *p = NULL;
	const struct fnmkr_nft *n;
	struct walk_event e;

	memset(&e, 0, sizeof(e));
	if (!cJSON_IsObject(o) || !cJSON_IsNumber(page) ||
	    page->valuedouble < 1 || page->valuedouble > INT32_MAX) {
		cs_fake_resp_errorf(out, 400, "afterPage must be 1 or more");
		return false;
	}
	e.after_page = (int64_t)page->valuedouble;
	e.times = 1;
	if (times != NULL &&
	    (!cJSON_IsNumber(times) || times->valuedouble < 1 ||
	        times->valuedouble > MAX_TIMES)) {
		cs_fake_resp_errorf(out, 400, "times must be 1..%d", MAX_TIMES);
		return false;
	}
	if (times != NULL)
		e.times = (long)times->valuedouble;
	if ((del != NULL) == (add != NULL)) {
		cs_fake_resp_errorf(out, 400,
		    "give either delete (an NFT uid) or add (a count)");
		return false;
	}
	if (add != NULL && (!cJSON_IsNumber(add) || add->valuedouble < 1 ||
	                       add->valuedouble > FNMKR_MAX_ADD)) {
		cs_fake_resp_errorf(
		    out, 400, "add must be 1..%d", FNMKR_MAX_ADD);
		return false;
	}
	pthread_rwlock_rdlock(&f->lock);
	if (del != NULL) {
		n = cs_fnmkr__nft(f, del);
		if (n != NULL) {
			p = n->project;
			cs_str_copy(e.del, n->uid, sizeof(e.del));
		}
	} else {
		p = proj != NULL       ? cs_fnmkr__project(f, proj)
		    : f->nprojects > 0 ? f->projects[0]
		                       : NULL;
		e.add = (long)add->valuedouble;
	}
	if (p != NULL)
		cs_str_copy(e.project, p->uid, sizeof(e.project));
	pthread_rwlock_unlock(&f->lock);
	if (p == NULL) {
		cs_fake_resp_errorf(out, 404, "%s %s not found",
		    del != NULL ? "nft" : "project",
		    del != NULL    ? del
		    : proj != NULL ? proj
		                   : "(none)");
		return false;
	}
	cs_str_lower(e.project);
	pthread_mutex_lock(&events_lock);
	if (nevents == MAX_EVENTS) {
		pthread_mutex_unlock(&events_lock);
		cs_fake_resp_errorf(
		    out, 400, "at most %d walk events", MAX_EVENTS);
		return false;
	}
	events[nevents++] = e;
	pthread_mutex_unlock(&events_lock);
	return true;
}

void
cs_fnmkr__walk_control(
    struct fnmkr *f, struct cs_fake_resp *out, const struct cs_fake_req *req)
{
	const cJSON *o;
	cJSON *doc;

	if (strcmp(req->method, "GET") == 0) {
		answer(out);
		return;
	}
	if (strcmp(req->method, "DELETE") == 0) {
		cs_fnmkr__walk_reset();
		answer(out);
		return;
	}
	if (strcmp(req->method, "POST") != 0)
		return;
	doc = cJSON_ParseWithLength(req->body, req->body_len);
	if (doc == NULL || (!cJSON_IsObject(doc) && !cJSON_IsArray(doc))) {
		cJSON_Delete(doc);
		cs_fake_resp_errorf(
		    out, 400, "body must be an event object or an array");
		return;
	}
	if (cJSON_IsObject(doc)) {
		if (!add_event(f, out, doc))
			goto out;
	} else {
		cJSON_ArrayForEach(o, doc) {
			if (!add_event(f, out, o))
				goto out;
		}
	}
	answer(out);
out:
	cJSON_Delete(doc);
}

void
cs_fnmkr__walk_reset(void)
{
	pthread_mutex_lock(&events_lock);
	nevents = 0;
	fired = 0;
	pthread_mutex_unlock(&events_lock);
}

/* Apply one event under the write lock. */
static void
apply(struct fnmkr *f, const struct walk_event *e)
{
	struct fnmkr_project *p;
	struct fnmkr_nft *n;
	long k;

	pthread_rwlock_wrlock(&f->lock);
	if (e->del[0] != '\0') {
		n = cs_fnmkr__nft(f, e->del);
		if (n != NULL) {
			p = n->project;
			cs_fnmkr__remove_nft(f, n);
			cs_fnmkr__reindex(p);
		}
	} else {
		p = cs_fnmkr__project(f, e->project);
		for (k = 0; p != NULL && k < e->add; k++)
			cs_fnmkr__render(
			    f, cs_fnmkr__add_nft(f, p, NULL, NULL, NULL));
		if (p != NULL)
			cs_fnmkr__reindex(p);
	}
	pthread_rwlock_unlock(&f->lock);
	if (e->del[0] != '\0')
		cs_log_info("fake-nmkr", "walk event: nft %s deleted", e->del);
	else
		cs_log_info(
		    "fake-nmkr", "walk event: %ld nft(s) added", e->add);
}

void
cs_fnmkr__walk_page_built(
    struct fnmkr *f, const char *project_uid, int64_t page)
{
	struct walk_event due[MAX_EVENTS];
	char uid[CS_FAKE_UID_LEN + 1];
	size_t i, j = 0, ndue = 0;

	if (!cs_str_copy(uid, project_uid, sizeof(uid)))
		return;
	cs_str_lower(uid);
	pthread_mutex_lock(&events_lock);
	for (i = 0; i < nevents; i++) {
		if (events[i].after_page == page &&
		    strcmp(events[i].project, uid) == 0) {
			due[ndue++] = events[i];
			if (--events[i].times == 0)
				continue;
		}
		events[j++] = events[i];
	}
	nevents = j;
	fired += (int64_t)ndue;
	pthread_mutex_unlock(&events_lock);
	for (i = 0; i < ndue; i++)
		apply(f, &due[i]);
}
