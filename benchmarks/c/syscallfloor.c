/*
 * syscallfloor: what the kernel charges for the system calls behind posixmq's try-calls and pairs, apart from any
 * Java. Each figure is the fastest of 2,000 batches of 5,000 calls (a loaded machine only ever adds time, so the
 * minimum is the figure that load leaves alone), in ns per call:
 *
 *   empty queue:  mq_receive on an O_NONBLOCK descriptor (the C reference's tryreceive-empty), mq_timedreceive with
 *                 an expired (zero) deadline on a blocking descriptor (what PosixMq.tryReceive calls on a queue opened
 *                 blocking, the default) and on an O_NONBLOCK one
 *   full queue:   the same three for mq_send / mq_timedsend
 *   pair:         mq_send + mq_receive of 64 bytes (the C reference's pair-64), and mq_timedsend + mq_timedreceive with
 *                 expired deadlines on a blocking descriptor (what PosixMq.send + receive call)
 *
 * Run it twice: "syscallfloor" (one thread) and "syscallfloor --idle-thread" (one more thread that only waits). A
 * process with more than one thread shares its descriptor table, so the kernel takes a reference to the open file on
 * every call: every JVM pays that, a single-threaded C program does not.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCH 5000
#define BATCHES 2000

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static void *idle(void *unused)
{
    (void) unused;
    for (;;) {
        pause();
    }
    return NULL;
}

static mqd_t open_queue(int flags)
{
    static int counter;
    char name[64];
    snprintf(name, sizeof name, "/posixmq-floor-c-%d-%d", (int) getpid(), ++counter);
    struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 64 };
    mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL | flags, 0600, &attr);
    if (q == (mqd_t) -1) {
        perror("mq_open");
        _exit(1);
    }
    mq_unlink(name);
    return q;
}

int main(int argc, char **argv)
{
    int threaded = argc > 1 && strcmp(argv[1], "--idle-thread") == 0;
    pthread_t thread;
    if (threaded && pthread_create(&thread, NULL, idle, NULL) != 0) {
        perror("pthread_create");
        return 1;
    }
    mqd_t empty_blocking = open_queue(0), empty_nonblocking = open_queue(O_NONBLOCK);
    mqd_t full_blocking = open_queue(0), full_nonblocking = open_queue(O_NONBLOCK);
    mqd_t pair = open_queue(0);
    char buf[64] = { 0 };
    unsigned prio;
    struct timespec expired = { 0, 0 };
    mq_send(full_blocking, buf, 1, 0);
    mq_send(full_nonblocking, buf, 1, 0);
    double best[8] = { 1e18, 1e18, 1e18, 1e18, 1e18, 1e18, 1e18, 1e18 };
    for (int b = 0; b < BATCHES; b++) {
        double t[9];
        t[0] = now();
        for (int i = 0; i < BATCH; i++) mq_receive(empty_nonblocking, buf, 64, &prio);
        t[1] = now();
        for (int i = 0; i < BATCH; i++) mq_timedreceive(empty_blocking, buf, 64, &prio, &expired);
        t[2] = now();
        for (int i = 0; i < BATCH; i++) mq_timedreceive(empty_nonblocking, buf, 64, &prio, &expired);
        t[3] = now();
        for (int i = 0; i < BATCH; i++) mq_send(full_nonblocking, buf, 1, 0);
        t[4] = now();
        for (int i = 0; i < BATCH; i++) mq_timedsend(full_blocking, buf, 1, 0, &expired);
        t[5] = now();
        for (int i = 0; i < BATCH; i++) mq_timedsend(full_nonblocking, buf, 1, 0, &expired);
        t[6] = now();
        for (int i = 0; i < BATCH; i++) {
            mq_send(pair, buf, 64, 0);
            mq_receive(pair, buf, 64, &prio);
        }
        t[7] = now();
        for (int i = 0; i < BATCH; i++) {
            mq_timedsend(pair, buf, 64, 0, &expired);
            mq_timedreceive(pair, buf, 64, &prio, &expired);
        }
        t[8] = now();
        for (int k = 0; k < 8; k++) {
            if (t[k + 1] - t[k] < best[k]) {
                best[k] = t[k + 1] - t[k];
            }
        }
    }
    printf("%s: empty: mq_receive O_NONBLOCK %.0f ns, mq_timedreceive(expired) blocking %.0f ns, O_NONBLOCK %.0f ns\n",
            threaded ? "2 threads" : "1 thread", best[0] / BATCH, best[1] / BATCH, best[2] / BATCH);
    printf("%s: full:  mq_send O_NONBLOCK %.0f ns, mq_timedsend(expired) blocking %.0f ns, O_NONBLOCK %.0f ns\n",
            threaded ? "2 threads" : "1 thread", best[3] / BATCH, best[4] / BATCH, best[5] / BATCH);
    printf("%s: pair 64 B: mq_send + mq_receive %.0f ns, mq_timedsend + mq_timedreceive (expired) %.0f ns\n",
            threaded ? "2 threads" : "1 thread", best[6] / BATCH, best[7] / BATCH);
    return 0;
}
