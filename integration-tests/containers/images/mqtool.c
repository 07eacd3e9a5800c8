/*
 * mqtool: a tiny, statically linked POSIX message queue tool for the container tests.
 *
 *   mqtool probe NAME                         exit 0 "OK" if NAME can be opened, else the errno name (ENOENT: exit 3)
 *   mqtool create NAME CAPACITY MSGSIZE [MODE] create (or open) NAME read-write, mode 0600 or MODE (octal, umask
 *                                             ignored); print its attributes
 *   mqtool attr NAME                          print "capacity=C msgsize=S current=N"
 *   mqtool send NAME PRIORITY TEXT            send TEXT with PRIORITY
 *   mqtool recv NAME COUNT TIMEOUT_S          receive COUNT messages, print "PRIORITY<TAB>TEXT" per line
 *   mqtool drain NAME                         receive what is there now, print "PRIORITY<TAB>TEXT" per line
 *   mqtool echo IN OUT COUNT TIMEOUT_S        receive COUNT messages from IN, send each to OUT with its priority
 *   mqtool wait NAME TIMEOUT_S                wait until NAME exists
 *   mqtool unlink NAME                        remove NAME
 *   mqtool limits                             print the IPC namespace's /proc/sys/fs/mqueue values
 *
 * Any failure prints "ERR <what> <ERRNO_NAME>" on stderr; the exit code is 3 for ENOENT, 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *errno_name(int e) {
    switch (e) {
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case EACCES: return "EACCES";
    case EINVAL: return "EINVAL";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case ENOMEM: return "ENOMEM";
    case ENOSPC: return "ENOSPC";
    case EMSGSIZE: return "EMSGSIZE";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EAGAIN: return "EAGAIN";
    case EPERM: return "EPERM";
    default: return "EOTHER";
    }
}

static int fail(const char *what) {
    int e = errno;
    fprintf(stderr, "ERR %s %s (%s)\n", what, errno_name(e), strerror(e));
    return e == ENOENT ? 3 : 1;
}

static struct timespec deadline_after(long seconds) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += seconds;
    return ts;
}

static char *buffer_for(mqd_t q) {
    struct mq_attr a;
    if (mq_getattr(q, &a) != 0) {
        return NULL;
    }
    return malloc((size_t) a.mq_msgsize + 1);
}

/* Receives up to count messages (all that are there now when count < 0), printing or forwarding each. */
static int receive_loop(mqd_t in, mqd_t out, long count, long timeout_s) {
    char *buf = buffer_for(in);
    struct mq_attr a;
    if (buf == NULL || mq_getattr(in, &a) != 0) {
        return fail("getattr");
    }
    long done = 0;
    while (count < 0 || done < count) {
        unsigned int prio;
        ssize_t n;
        if (count < 0) {
            struct timespec now = deadline_after(0);
            n = mq_timedreceive(in, buf, (size_t) a.mq_msgsize, &prio, &now);
            if (n < 0 && errno == ETIMEDOUT) {
                break;
            }
        } else {
            struct timespec until = deadline_after(timeout_s);
            n = mq_timedreceive(in, buf, (size_t) a.mq_msgsize, &prio, &until);
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fprintf(stderr, "after %ld messages: ", done);
            return fail("receive");
        }
        if (out != (mqd_t) -1) {
            if (mq_send(out, buf, (size_t) n, prio) != 0) {
                return fail("send");
            }
        } else {
            buf[n] = '\0';
            printf("%u\t%s\n", prio, buf);
        }
        done++;
    }
    if (out != (mqd_t) -1) {
        printf("echoed %ld\n", done);
    }
    fflush(stdout);
    free(buf);
    return 0;
}

static void print_limit(const char *name) {
    char path[128];
    char value[64] = "?";
    snprintf(path, sizeof path, "/proc/sys/fs/mqueue/%s", name);
    FILE *f = fopen(path, "r");
    if (f != NULL) {
        if (fgets(value, sizeof value, f) != NULL) {
            value[strcspn(value, "\n")] = '\0';
        }
        fclose(f);
    }
    printf("%s=%s\n", name, value);
}

static int usage(void) {
    fprintf(stderr, "usage: mqtool probe|create|attr|send|recv|drain|echo|wait|unlink|limits ... (see mqtool.c)\n");
    return 2;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        return usage();
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "limits") == 0) {
        const char *names[] = {"msg_max", "msgsize_max", "msg_default", "msgsize_default", "queues_max"};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            print_limit(names[i]);
        }
        return 0;
    }
    if (argc < 3) {
        return usage();
    }
    const char *name = argv[2];
    if (strcmp(cmd, "probe") == 0) {
        mqd_t q = mq_open(name, O_RDONLY);
        if (q == (mqd_t) -1) {
            int e = errno;
            printf("%s\n", errno_name(e));
            return e == ENOENT ? 3 : 1;
        }
        printf("OK\n");
        mq_close(q);
        return 0;
    }
    if (strcmp(cmd, "create") == 0 && (argc == 5 || argc == 6)) {
        struct mq_attr a = {0};
        a.mq_maxmsg = atol(argv[3]);
        a.mq_msgsize = atol(argv[4]);
        mode_t mode = 0600;
        if (argc == 6) {
            mode = (mode_t) strtol(argv[5], NULL, 8);
            umask(0);
        }
        mqd_t q = mq_open(name, O_RDWR | O_CREAT, mode, &a);
        if (q == (mqd_t) -1) {
            return fail("create");
        }
        mq_getattr(q, &a);
        printf("capacity=%ld msgsize=%ld current=%ld\n", a.mq_maxmsg, a.mq_msgsize, a.mq_curmsgs);
        return 0;
    }
    if (strcmp(cmd, "attr") == 0) {
        struct mq_attr a;
        mqd_t q = mq_open(name, O_RDONLY);
        if (q == (mqd_t) -1 || mq_getattr(q, &a) != 0) {
            return fail("attr");
        }
        printf("capacity=%ld msgsize=%ld current=%ld\n", a.mq_maxmsg, a.mq_msgsize, a.mq_curmsgs);
        return 0;
    }
    if (strcmp(cmd, "send") == 0 && argc == 5) {
        mqd_t q = mq_open(name, O_WRONLY);
        if (q == (mqd_t) -1 || mq_send(q, argv[4], strlen(argv[4]), (unsigned) atoi(argv[3])) != 0) {
            return fail("send");
        }
        return 0;
    }
    if ((strcmp(cmd, "recv") == 0 && argc == 5) || strcmp(cmd, "drain") == 0) {
        mqd_t q = mq_open(name, O_RDONLY);
        if (q == (mqd_t) -1) {
            return fail("open");
        }
        return cmd[0] == 'd' ? receive_loop(q, (mqd_t) -1, -1, 0)
                             : receive_loop(q, (mqd_t) -1, atol(argv[3]), atol(argv[4]));
    }
    if (strcmp(cmd, "echo") == 0 && argc == 6) {
        mqd_t in = mq_open(name, O_RDONLY);
        if (in == (mqd_t) -1) {
            return fail("open in");
        }
        mqd_t out = mq_open(argv[3], O_WRONLY);
        if (out == (mqd_t) -1) {
            return fail("open out");
        }
        return receive_loop(in, out, atol(argv[4]), atol(argv[5]));
    }
    if (strcmp(cmd, "wait") == 0 && argc == 4) {
        struct timespec until = deadline_after(atol(argv[3]));
        for (;;) {
            mqd_t q = mq_open(name, O_RDONLY);
            if (q != (mqd_t) -1) {
                mq_close(q);
                return 0;
            }
            struct timespec now = deadline_after(0);
            if (errno != ENOENT || now.tv_sec > until.tv_sec) {
                return fail("wait");
            }
            struct timespec pause = {0, 20 * 1000 * 1000};
            nanosleep(&pause, NULL);
        }
    }
    if (strcmp(cmd, "unlink") == 0) {
        return mq_unlink(name) == 0 ? 0 : fail("unlink");
    }
    return usage();
}
