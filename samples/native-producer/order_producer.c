/*
 * order-producer: a plain C program (no JVM) that feeds the order pipeline sample through POSIX message queues
 * and checks what comes back.
 *
 * It sends COUNT orders to ORDERS as fast as it can (or at -r RATE per second), each a small UTF-8 JSON object
 * such as {"id":42,"item":"book #42","qty":3} with a priority from 0 to 9; every EVERY-th order is invalid
 * (qty <= 0, a missing field, a string id, or bytes that are not JSON at all). At the same time it reads
 * PROCESSED and REJECTED and checks that every valid order came back on PROCESSED as the same JSON plus
 * "status":"ACCEPTED", every invalid one on REJECTED byte for byte, each exactly once and with its priority.
 *
 * Every order carries "#ID" in its bytes, so a result can be matched to its order whatever its shape.
 *
 * Build: make            (dynamic)       make static     (gcc -static ... -lrt, for a busybox/scratch image)
 * Usage: order-producer [-n COUNT] [-i EVERY] [-r RATE] [-w SECONDS] [-s FIRST_ID] [-S] [-v] [-h]
 *                       [ORDERS [PROCESSED [REJECTED]]]
 * Exit:  0 every order came back right; 1 something was wrong, missing or the queues could not be used;
 *        2 usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_ORDER 256
#define PRIORITIES 10

enum outcome { PROCESSED = 0, REJECTED = 1 };

static const char *const queue_kind[] = {"processed", "rejected"};

struct order_state {
    unsigned char received[2]; /* how many times it came back on each output queue */
    unsigned char wrong;       /* came back with the wrong bytes or priority */
};

static volatile sig_atomic_t interrupted;

static void on_signal(int signo) {
    (void) signo;
    interrupted = 1;
}

static void usage(FILE *out) {
    fprintf(out,
            "Usage: order-producer [-n COUNT] [-i EVERY] [-r RATE] [-w SECONDS] [-s FIRST_ID] [-S] [-v] [-h]\n"
            "                      [ORDERS [PROCESSED [REJECTED]]]\n"
            "\n"
            "Sends COUNT orders (JSON, priorities 0-9) to ORDERS and checks the results on PROCESSED and REJECTED.\n"
            "Queues default to /orders, /orders.processed and /orders.rejected.\n"
            "\n"
            "  -n COUNT     orders to send (default 20)\n"
            "  -i EVERY     every EVERY-th order is invalid (default 5; 0 = all valid)\n"
            "  -r RATE      orders per second (default 0 = as fast as possible)\n"
            "  -w SECONDS   wait this long for the queues to exist and for each next result (default 30)\n"
            "  -s FIRST_ID  id of the first order (default 1)\n"
            "  -S           send only; do not read the results\n"
            "  -v           print each result (KIND PRIORITY BYTES); -vv also each order sent\n"
            "\n"
            "Exit status: 0 all orders came back right, 1 failure, 2 usage error.\n");
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static int parse_long(const char *text, long min, long max, long *value) {
    char *end;
    errno = 0;
    long parsed = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || parsed < min || parsed > max) {
        return -1;
    }
    *value = parsed;
    return 0;
}

/* Order number `id` (deterministic, so a result can be checked against it); returns its length. */
static size_t build_order(long id, long invalid_every, long first_id, char *buf, int *valid) {
    static const char *const items[] = {"book", "pen", "caf\xc3\xa9 au lait", "lamp"};
    long index = id - first_id + 1;
    int n;
    *valid = !(invalid_every > 0 && index % invalid_every == 0);
    if (*valid) {
        n = snprintf(buf, MAX_ORDER, "{\"id\":%ld,\"item\":\"%s #%ld\",\"qty\":%ld}", id, items[id % 4], id,
                     1 + id % 5);
        return (size_t) n;
    }
    switch ((index / invalid_every) % 6) {
    case 0:
        n = snprintf(buf, MAX_ORDER, "{\"id\":%ld,\"item\":\"book #%ld\",\"qty\":0}", id, id);
        break;
    case 1:
        n = snprintf(buf, MAX_ORDER, "{\"id\":%ld,\"item\":\"pen #%ld\",\"qty\":-2}", id, id);
        break;
    case 2:
        n = snprintf(buf, MAX_ORDER, "{\"id\":%ld,\"item\":\"lamp #%ld\"}", id, id);
        break;
    case 3:
        n = snprintf(buf, MAX_ORDER, "{\"item\":\"mug #%ld\",\"qty\":1}", id);
        break;
    case 4:
        n = snprintf(buf, MAX_ORDER, "{\"id\":\"%ld\",\"item\":\"cup #%ld\",\"qty\":2}", id, id);
        break;
    default:
        /* not JSON, and not even UTF-8: must come back on REJECTED byte for byte */
        n = snprintf(buf, MAX_ORDER, "#%ld is not an order \xff\xfe\x01", id);
        break;
    }
    return (size_t) n;
}

static unsigned priority_of(long id) {
    return (unsigned) ((id * 7) % PRIORITIES);
}

/* The "#ID" every order carries; -1 if there is none. */
static long find_id(const char *msg, size_t len) {
    for (size_t i = 0; i + 1 < len; i++) {
        if (msg[i] == '#' && msg[i + 1] >= '0' && msg[i + 1] <= '9') {
            long id = 0;
            for (size_t j = i + 1; j < len && msg[j] >= '0' && msg[j] <= '9' && id < LONG_MAX / 10 - 10; j++) {
                id = id * 10 + (msg[j] - '0');
            }
            return id;
        }
    }
    return -1;
}

/* Printable text; bytes that are not printable or not valid UTF-8 as \xNN, a backslash as \\. */
static void print_escaped(FILE *out, const char *msg, size_t len) {
    const unsigned char *p = (const unsigned char *) msg;
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        size_t extra = c >= 0xf0 && c < 0xf5 ? 3 : c >= 0xe0 && c < 0xf0 ? 2 : c >= 0xc2 && c < 0xe0 ? 1 : 0;
        int sequence = extra > 0 && i + extra < len;
        for (size_t k = 1; sequence && k <= extra; k++) {
            sequence = (p[i + k] & 0xc0) == 0x80;
        }
        if (sequence) {
            fwrite(p + i, 1, extra + 1, out);
            i += extra + 1;
        } else if (c == '\\') {
            fputs("\\\\", out);
            i++;
        } else if (c >= 0x20 && c < 0x7f) {
            fputc(c, out);
            i++;
        } else {
            fprintf(out, "\\x%02x", c);
            i++;
        }
    }
}

static mqd_t open_queue(const char *name, int flags, double wait_seconds) {
    double deadline = now_seconds() + wait_seconds;
    int announced = 0;
    for (;;) {
        mqd_t mq = mq_open(name, flags | O_NONBLOCK);
        if (mq != (mqd_t) -1) {
            return mq;
        }
        if (errno != ENOENT || now_seconds() >= deadline || interrupted) {
            fprintf(stderr, "order-producer: cannot open queue %s: %s%s\n", name, strerror(errno),
                    errno == ENOENT ? " (start the order pipeline first: java -jar "
                                      "samples/order-pipeline/target/order-pipeline.jar)"
                                    : "");
            return (mqd_t) -1;
        }
        if (!announced) {
            fprintf(stderr, "order-producer: waiting up to %.0f s for queue %s to exist...\n", wait_seconds, name);
            announced = 1;
        }
        struct timespec pause = {0, 50 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

int main(int argc, char **argv) {
    long count = 20, invalid_every = 5, rate = 0, wait_seconds = 30, first_id = 1;
    int send_only = 0, verbose = 0, opt;
    while ((opt = getopt(argc, argv, "n:i:r:w:s:Svh")) != -1) {
        long *target = NULL, max = 100000000L;
        switch (opt) {
        case 'n': target = &count; break;
        case 'i': target = &invalid_every; break;
        case 'r': target = &rate; break;
        case 'w': target = &wait_seconds; max = 86400; break;
        case 's': target = &first_id; max = 1000000000L; break;
        case 'S': send_only = 1; break;
        case 'v': verbose++; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
        if (target != NULL && parse_long(optarg, 0, max, target) != 0) {
            fprintf(stderr, "order-producer: -%c needs a number between 0 and %ld, got '%s'\n", opt, max, optarg);
            return 2;
        }
    }
    if (argc - optind > 3) {
        usage(stderr);
        return 2;
    }
    const char *names[3] = {"/orders", "/orders.processed", "/orders.rejected"};
    for (int i = 0; optind + i < argc; i++) {
        names[i] = argv[optind + i];
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    mqd_t orders = open_queue(names[0], O_WRONLY, (double) wait_seconds);
    mqd_t outputs[2] = {(mqd_t) -1, (mqd_t) -1};
    if (orders == (mqd_t) -1) {
        return 1;
    }
    long msgsize[2] = {0, 0};
    if (!send_only) {
        for (int q = 0; q < 2; q++) {
            struct mq_attr attr;
            outputs[q] = open_queue(names[q + 1], O_RDONLY, (double) wait_seconds);
            if (outputs[q] == (mqd_t) -1 || mq_getattr(outputs[q], &attr) != 0) {
                return 1;
            }
            msgsize[q] = attr.mq_msgsize;
        }
    }
    struct order_state *state = calloc((size_t) (count > 0 ? count : 1), sizeof *state);
    char *buffer = malloc((size_t) (msgsize[0] > msgsize[1] ? msgsize[0] : msgsize[1]) + 1);
    if (state == NULL || buffer == NULL) {
        fprintf(stderr, "order-producer: out of memory for %ld orders\n", count);
        return 1;
    }

    long sent = 0, invalid = 0, returned = 0, unknown = 0;
    double start = now_seconds(), last_progress = start;
    char order[MAX_ORDER], expected[MAX_ORDER + 32];
    while (!interrupted && (sent < count || (!send_only && returned < count))) {
        double now = now_seconds();
        double deadline = last_progress + (double) wait_seconds;
        if (now >= deadline) {
            fprintf(stderr, "order-producer: nothing sent or received for %ld s; giving up\n", wait_seconds);
            break;
        }
        /* with -r, the next order is due at start + sent / rate */
        double next_send = rate > 0 ? start + (double) sent / (double) rate : now;
        double wake = deadline;
        struct pollfd fds[3];
        int nfds = 0, send_index = -1;
        if (sent < count && next_send <= now) {
            send_index = nfds;
            fds[nfds++] = (struct pollfd) {.fd = (int) orders, .events = POLLOUT};
        } else if (sent < count && next_send < wake) {
            wake = next_send;
        }
        int receive_base = nfds;
        if (!send_only) {
            fds[nfds++] = (struct pollfd) {.fd = (int) outputs[PROCESSED], .events = POLLIN};
            fds[nfds++] = (struct pollfd) {.fd = (int) outputs[REJECTED], .events = POLLIN};
        }
        if (poll(fds, (nfds_t) nfds, (int) ((wake - now) * 1000.0) + 1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("order-producer: poll");
            return 1;
        }
        if (send_index >= 0 && (fds[send_index].revents & POLLOUT)) {
            long id = first_id + sent;
            int valid;
            size_t len = build_order(id, invalid_every, first_id, order, &valid);
            if (mq_send(orders, order, len, priority_of(id)) == 0) {
                sent++;
                invalid += !valid;
                last_progress = now_seconds();
                if (verbose > 1) {
                    printf("order %u ", priority_of(id));
                    print_escaped(stdout, order, len);
                    putchar('\n');
                }
            } else if (errno != EAGAIN) {
                fprintf(stderr, "order-producer: cannot send to queue %s: %s\n", names[0], strerror(errno));
                return 1;
            }
        }
        for (int q = 0; q < 2 && !send_only; q++) {
            if (!(fds[receive_base + q].revents & POLLIN)) {
                continue;
            }
            unsigned priority;
            ssize_t len;
            while ((len = mq_receive(outputs[q], buffer, (size_t) msgsize[q], &priority)) >= 0) {
                last_progress = now_seconds();
                long id = find_id(buffer, (size_t) len);
                if (verbose > 0) {
                    printf("%s %u ", queue_kind[q], priority);
                    print_escaped(stdout, buffer, (size_t) len);
                    putchar('\n');
                }
                if (id < first_id || id >= first_id + sent) {
                    unknown++;
                    fprintf(stderr, "order-producer: %s: a message that is not one of ours: ", names[q + 1]);
                    print_escaped(stderr, buffer, (size_t) len);
                    fputc('\n', stderr);
                    continue;
                }
                struct order_state *s = &state[id - first_id];
                int valid;
                size_t order_len = build_order(id, invalid_every, first_id, order, &valid);
                size_t expected_len = order_len;
                memcpy(expected, order, order_len);
                if (valid) {
                    /* the same JSON with "status":"ACCEPTED" added as the last field */
                    expected_len = order_len - 1 + (size_t) sprintf(expected + order_len - 1,
                                                                      ",\"status\":\"ACCEPTED\"}");
                }
                int right_queue = (q == PROCESSED) == valid;
                int right_bytes = (size_t) len == expected_len && memcmp(buffer, expected, expected_len) == 0;
                if (!right_queue || !right_bytes || priority != priority_of(id)) {
                    s->wrong = 1;
                    fprintf(stderr, "order-producer: order #%ld came back wrong on %s with priority %u (sent %u): ",
                            id, names[q + 1], priority, priority_of(id));
                    print_escaped(stderr, buffer, (size_t) len);
                    fputc('\n', stderr);
                }
                returned += s->received[PROCESSED] + s->received[REJECTED] == 0;
                if (s->received[q] < 255) {
                    s->received[q]++;
                }
            }
            if (errno != EAGAIN) {
                fprintf(stderr, "order-producer: cannot receive from queue %s: %s\n", names[q + 1], strerror(errno));
                return 1;
            }
        }
    }
    double elapsed = now_seconds() - start;
    fflush(stdout);
    if (send_only) {
        printf("sent %ld orders (%ld invalid) in %.3f s\n", sent, invalid, elapsed);
        return sent == count ? 0 : 1;
    }
    long processed = 0, rejected = 0, wrong = 0, missing = 0, duplicates = 0;
    for (long i = 0; i < sent; i++) {
        processed += state[i].received[PROCESSED];
        rejected += state[i].received[REJECTED];
        wrong += state[i].wrong;
        missing += state[i].received[PROCESSED] + state[i].received[REJECTED] == 0;
        duplicates += state[i].received[PROCESSED] + state[i].received[REJECTED] > 1;
    }
    missing += count - sent;
    printf("sent %ld orders (%ld invalid) in %.3f s: %ld processed, %ld rejected, %ld wrong, %ld missing, "
           "%ld duplicated, %ld unknown (%.0f orders/s)\n",
           sent, invalid, elapsed, processed, rejected, wrong, missing, duplicates, unknown,
           elapsed > 0 ? (double) sent / elapsed : 0.0);
    free(state);
    free(buffer);
    mq_close(orders);
    mq_close(outputs[PROCESSED]);
    mq_close(outputs[REJECTED]);
    return wrong == 0 && missing == 0 && duplicates == 0 && unknown == 0 ? 0 : 1;
}
