/* docker's json-file log driver: one JSON object per line, rotated by size. */
#ifndef BERTH_LOG_H
#define BERTH_LOG_H

#include <stddef.h>

/* A line longer than this is written as a partial entry (no trailing \n), like docker. */
#define LOG_LINE_MAX (16 * 1024)

enum log_stream { STREAM_STDOUT = 1, STREAM_STDERR = 2 };

struct log_writer {
    int fd; /* -1: no log file, entries are dropped */
    const char *path;
    long long max_size; /* 0: never rotate */
    int max_files;
    long long size;
};

/* Bytes of one stream waiting for their newline. */
struct log_line {
    enum log_stream stream;
    size_t len;
    char data[LOG_LINE_MAX];
};

/* Opens (appends to) path; path NULL leaves the writer disabled. Dies on error. */
void log_open(struct log_writer *log, const char *path, long long max_size, int max_files);
/* Adds output of one stream: writes every complete line, and a partial one when it fills up. */
void log_feed(struct log_writer *log, struct log_line *line, const char *data, size_t len);
/* Writes what is left of the stream (at EOF) without a trailing newline. */
void log_flush(struct log_writer *log, struct log_line *line);
/* Escapes len bytes as the inside of a JSON string the way Go's encoding/json does; out needs 6*len. */
size_t json_escape(char *out, const unsigned char *in, size_t len);

#endif
