/* Preloaded before libfaketime in the clock-skew tests. libfaketime converts every absolute timerfd
 * deadline by its offset, including deadlines on clocks it was told not to fake (the monotonic clock that
 * libdispatch arms its timers on), so a faked process's timers fire ten minutes late or at once. Here each
 * absolute deadline is armed relative to the clock it was computed on, as the process reads that clock
 * (faked or not), which is what the process meant. Test tooling only: never part of Tickler. */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define MAX_FDS 4096
static clockid_t clocks[MAX_FDS];

int timerfd_create(int clockid, int flags) {
    int fd = (int)syscall(SYS_timerfd_create, clockid, flags);
    if (fd >= 0 && fd < MAX_FDS) clocks[fd] = clockid;
    return fd;
}

int timerfd_settime(int fd, int flags, const struct itimerspec *value, struct itimerspec *old) {
    struct itimerspec v = *value;
    if ((flags & TFD_TIMER_ABSTIME) && fd >= 0 && fd < MAX_FDS && (v.it_value.tv_sec || v.it_value.tv_nsec)) {
        struct timespec now;
        clock_gettime(clocks[fd], &now);
        int64_t left = (int64_t)(v.it_value.tv_sec - now.tv_sec) * 1000000000 + (v.it_value.tv_nsec - now.tv_nsec);
        if (left < 1) left = 1;
        v.it_value.tv_sec = left / 1000000000;
        v.it_value.tv_nsec = left % 1000000000;
        flags &= ~TFD_TIMER_ABSTIME;
    }
    return (int)syscall(SYS_timerfd_settime, fd, flags, &v, old);
}

int timerfd_gettime(int fd, struct itimerspec *value) {
    return (int)syscall(SYS_timerfd_gettime, fd, value);
}
