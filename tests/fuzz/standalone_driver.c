/* SPDX-License-Identifier: MIT */
/*
 * Replays inputs through a harness without libFuzzer (gcc builds, dev and
 * asan presets): each argument is a file or a directory of files (names
 * starting with '.' and README files are skipped), run in name order. Each
 * input is a heap copy of exactly its length, so ASan sees a read past its
 * end. Exits 0 when every input ran; a crash is the harness's abort.
 */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	long size;
	int rc = -1;

	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		goto out;
	/* malloc(0) may return NULL; one byte more is never read. */
	data = malloc((size_t)size + 1);
	if (data == NULL || fread(data, 1, (size_t)size, f) != (size_t)size)
		goto out;
	fprintf(stderr, "replay %s (%ld bytes)\n", path, size);
	LLVMFuzzerTestOneInput(data, (size_t)size);
	rc = 0;
out:
	if (rc < 0)
		fprintf(stderr, "%s: cannot read\n", path);
	free(data);
	fclose(f);
	return rc;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
run_dir(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, *path;
	size_t count = 0, cap = 0, i;
	int rc = 0;

	if (d == NULL) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strncmp(e->d_name, "README", 6) == 0)
			continue;
		if (count == cap) {
			cap = cap != 0 ? cap * 2 : 64;
			names = realloc(names, cap * sizeof(*names));
			if (names == NULL)
				abort();
		}
		names[count] = strdup(e->d_name);
		if (names[count] == NULL)
			abort();
		count++;
	}
	closedir(d);
	qsort(names, count, sizeof(*names), by_name);
	for (i = 0; i < count; i++) {
		size_t len = strlen(dir) + strlen(names[i]) + 2;

		path = malloc(len);
		if (path == NULL)
			abort();
		snprintf(path, len, "%s/%s", dir, names[i]);
		if (run_file(path) < 0)
			rc = -1;
		else
			(*n)++;
		free(path);
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	struct stat st;
	size_t n = 0;
	int i, rc = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			rc = 1;
		} else if (S_ISDIR(st.st_mode)) {
			if (run_dir(argv[i], &n) < 0)
				rc = 1;
		} else if (run_file(argv[i]) < 0) {
			rc = 1;
		} else {
			n++;
		}
	}
	fprintf(stderr, "%zu inputs replayed\n", n);
	if (n == 0)
		rc = 1;
	return rc;
}
