#include "log.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/* One entry: the escaped line (6 bytes per input byte at most) and the fixed fields. */
static char entry[LOG_LINE_MAX * 6 + 128];

void log_open(struct log_writer *log, const char *path, long long max_size, int max_files)
{
    log->fd = -1;
    log->path = path;
    log->max_size = max_size;
    log->max_files = max_files;
    log->size = 0;
    if (!path)
        return;
    log->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (log->fd < 0)
        die("open log file %s", path);
    log->fd = fd_high(log->fd);
    struct stat st;
    if (fstat(log->fd, &st) == 0)
        log->size = st.st_size;
}

/* Shifts F.(n-2)…F.1 up by one, moves F to F.1 and starts an empty F (docker's rotation). */
static void log_rotate(struct log_writer *log)
{
    char from[4096], to[4096];
    if (log->max_files < 2) {
        if (ftruncate(log->fd, 0) == 0)
            log->size = 0;
        return;
    }
    for (int i = log->max_files - 1; i >= 1; i--) {
        snprintf(to, sizeof to, "%s.%d", log->path, i);
        if (i == 1)
            snprintf(from, sizeof from, "%s", log->path);
        else
            snprintf(from, sizeof from, "%s.%d", log->path, i - 1);
        if (rename(from, to) < 0 && errno != ENOENT)
            return; /* keep writing to the current file */
    }
    int fd = open(log->path, O_WRONLY | O_CREAT | O_APPEND | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0)
        return;
    close(log->fd);
    log->fd = fd_high(fd);
    log->size = 0;
}

static void put(char **p, const char *text)
{
    size_t n = strlen(text);
    memcpy(*p, text, n);
    *p += n;
}

static void hex_escape(char **p, unsigned code)
{
    static const char hex[] = "0123456789abcdef";
    char *o = *p;
    o[0] = '\\';
    o[1] = 'u';
    o[2] = hex[(code >> 12) & 15];
    o[3] = hex[(code >> 8) & 15];
    o[4] = hex[(code >> 4) & 15];
    o[5] = hex[code & 15];
    *p += 6;
}

/* Length of the valid UTF-8 sequence at in (1-4), or 0 if it is not one (Go's rules). */
static size_t utf8_valid(const unsigned char *in, size_t len, unsigned *rune)
{
    unsigned char c = in[0];
    size_t need;
    unsigned min;
    if (c >= 0xc2 && c <= 0xdf) {
        need = 2, min = 0x80, *rune = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 3, min = 0x800, *rune = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 4, min = 0x10000, *rune = c & 0x07;
    } else {
        return 0;
    }
    if (len < need)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((in[i] & 0xc0) != 0x80)
            return 0;
        *rune = (*rune << 6) | (in[i] & 0x3f);
    }
    if (*rune < min || *rune > 0x10ffff || (*rune >= 0xd800 && *rune <= 0xdfff))
        return 0;
    return need;
}

size_t json_escape(char *out, const unsigned char *in, size_t len)
{
    char *p = out;
    for (size_t i = 0; i < len;) {
        unsigned char c = in[i];
        if (c < 0x80) {
            i++;
            if (c == '"' || c == '\\') {
                *p++ = '\\';
                *p++ = (char)c;
            } else if (c == '\n') {
                put(&p, "\\n");
            } else if (c == '\r') {
                put(&p, "\\r");
            } else if (c == '\t') {
                put(&p, "\\t");
            } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
                hex_escape(&p, c);
            } else {
                *p++ = (char)c;
            }
            continue;
        }
        unsigned rune;
        size_t n = utf8_valid(in + i, len - i, &rune);
        if (n == 0) {
            put(&p, "\\ufffd");
            i++;
        } else if (rune == 0x2028 || rune == 0x2029) {
            hex_escape(&p, rune);
            i += n;
        } else {
            memcpy(p, in + i, n);
            p += n;
            i += n;
        }
    }
    return (size_t)(p - out);
}

static void log_write_entry(struct log_writer *log, enum log_stream stream, const char *data, size_t len)
{
    if (log->fd < 0 || len == 0)
        return;
    struct timespec now;
    char when[TIME_TEXT_MAX];
    clock_gettime(CLOCK_REALTIME, &now);
    format_time(when, &now);

    char *p = entry;
    put(&p, "{\"log\":\"");
    p += json_escape(p, (const unsigned char *)data, len);
    put(&p, stream == STREAM_STDOUT ? "\",\"stream\":\"stdout\",\"time\":\"" : "\",\"stream\":\"stderr\",\"time\":\"");
    put(&p, when);
    put(&p, "\"}\n");

    if (log->max_size > 0 && log->size >= log->max_size)
        log_rotate(log);
    size_t n = (size_t)(p - entry);
    if (write_all(log->fd, entry, n) == 0)
        log->size += (long long)n;
}

/* How many bytes at the end of a full buffer start a UTF-8 character that is not complete yet. */
static size_t incomplete_tail(const char *data, size_t len)
{
    for (size_t back = 1; back <= 3 && back <= len; back++) {
        unsigned char c = (unsigned char)data[len - back];
        if ((c & 0xc0) == 0x80)
            continue; /* a continuation byte: look further back for the lead */
        size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
        return need > back ? back : 0;
    }
    return 0;
}

void log_feed(struct log_writer *log, struct log_line *line, const char *data, size_t len)
{
    if (log->fd < 0)
        return;
    while (len > 0) {
        size_t room = LOG_LINE_MAX - line->len;
        size_t take = len < room ? len : room;
        const char *nl = memchr(data, '\n', take);
        if (nl)
            take = (size_t)(nl - data) + 1;
        memcpy(line->data + line->len, data, take);
        line->len += take;
        data += take;
        len -= take;
        if (nl) {
            log_write_entry(log, line->stream, line->data, line->len);
            line->len = 0;
        } else if (line->len == LOG_LINE_MAX) {
            size_t keep = incomplete_tail(line->data, line->len);
            log_write_entry(log, line->stream, line->data, line->len - keep);
            memmove(line->data, line->data + line->len - keep, keep);
            line->len = keep;
        }
    }
}

void log_flush(struct log_writer *log, struct log_line *line)
{
    log_write_entry(log, line->stream, line->data, line->len);
    line->len = 0;
}
