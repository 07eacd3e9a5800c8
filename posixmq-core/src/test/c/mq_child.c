/*
 * Child process of BlockingDescriptorTest: given an inherited queue descriptor, it reports the descriptor's
 * O_NONBLOCK flag, then calls plain mq_receive on it and reports what that returned. Reports go to a reply queue.
 *
 *     mq_child <inherited descriptor> <reply queue name>
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reply(mqd_t out, const char *line) {
    mq_send(out, line, strlen(line), 0);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        return 64;
    }
    mqd_t in = (mqd_t) atoi(argv[1]);
    mqd_t out = mq_open(argv[2], O_WRONLY);
    if (out == (mqd_t) -1) {
        return 65;
    }
    char line[256];
    struct mq_attr attr;
    if (mq_getattr(in, &attr) != 0) {
        snprintf(line, sizeof line, "ERR mq_getattr %d", errno);
        reply(out, line);
        return 1;
    }
    snprintf(line, sizeof line, "READY nonblock=%d", (attr.mq_flags & O_NONBLOCK) ? 1 : 0);
    reply(out, line);
    char *buf = malloc(attr.mq_msgsize);
    unsigned prio = 0;
    ssize_t n = mq_receive(in, buf, attr.mq_msgsize, &prio);
    if (n < 0) {
        snprintf(line, sizeof line, "ERR mq_receive %d", errno);
    }
    else {
        snprintf(line, sizeof line, "GOT %.*s", (int) n, buf);
    }
    reply(out, line);
    return 0;
}
