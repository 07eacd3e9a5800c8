/*
 * handoff QUEUE COUNT: a producer thread sends COUNT 64-byte messages to a new queue of capacity 10 (removed at once)
 * and a consumer thread receives them, with plain blocking mq_send and mq_receive; prints messages/s. The C side of
 * io.github.posixmq.benchmarks.Handoff, for counting system calls per message (perf stat -e 'syscalls:sys_enter_mq_*').
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static mqd_t queue;
static long count;

static void *consume(void *unused) {
    (void) unused;
    char buffer[64];
    unsigned priority;
    for (long i = 0; i < count; i++) {
        if (mq_receive(queue, buffer, sizeof buffer, &priority) < 0) {
            perror("handoff: mq_receive");
            exit(1);
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: handoff QUEUE COUNT\n");
        return 2;
    }
    count = atol(argv[2]);
    struct mq_attr attr = {.mq_maxmsg = 10, .mq_msgsize = 64};
    queue = mq_open(argv[1], O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
    if (queue == (mqd_t) -1) {
        fprintf(stderr, "handoff: cannot create %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    mq_unlink(argv[1]);
    char message[64] = {0};
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pthread_t consumer;
    pthread_create(&consumer, NULL, consume, NULL);
    for (long i = 0; i < count; i++) {
        if (mq_send(queue, message, sizeof message, 1) != 0) {
            perror("handoff: mq_send");
            return 1;
        }
    }
    pthread_join(consumer, NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (double) (end.tv_sec - start.tv_sec) + (double) (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("C: %.0f messages/s\n", (double) count / seconds);
    return 0;
}
