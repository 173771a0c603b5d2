// Checks that a process's AVX-512 state (zmm0-31, k1-7) survives many trips through the kernel
// and preemption: set every register to a pattern of its own, make N sched_yield system calls
// with the raw syscall instruction (no C library code that could touch them), then compare.
// Several threads, each with its own pattern, run at once: under User-Mode Linux, threads of one
// process share one host process, so UML must save and restore each thread's whole state.
// Prints "xstate ok" or "xstate mismatch ..." and exits 0 or 1.
//
// Usage: xstate_check [THREADS] [SYSCALLS]
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { zmm_count = 32, opmask_count = 8 };
static long syscalls_per_thread = 200000;

struct state { uint64_t zmm[zmm_count][8]; uint64_t k[opmask_count]; } __attribute__((aligned(64)));

static void *run(void *argument)
{
    const uint64_t base = (uint64_t)(uintptr_t)argument * 1000;
    struct state *seen = aligned_alloc(64, sizeof(struct state));
    long count = syscalls_per_thread;
    __asm__ volatile(
        "lea 0(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm0\n\t"
        "lea 1(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm1\n\t"
        "lea 2(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm2\n\t"
        "lea 3(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm3\n\t"
        "lea 4(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm4\n\t"
        "lea 5(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm5\n\t"
        "lea 6(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm6\n\t"
        "lea 7(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm7\n\t"
        "lea 8(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm8\n\t"
        "lea 9(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm9\n\t"
        "lea 10(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm10\n\t"
        "lea 11(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm11\n\t"
        "lea 12(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm12\n\t"
        "lea 13(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm13\n\t"
        "lea 14(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm14\n\t"
        "lea 15(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm15\n\t"
        "lea 16(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm16\n\t"
        "lea 17(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm17\n\t"
        "lea 18(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm18\n\t"
        "lea 19(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm19\n\t"
        "lea 20(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm20\n\t"
        "lea 21(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm21\n\t"
        "lea 22(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm22\n\t"
        "lea 23(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm23\n\t"
        "lea 24(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm24\n\t"
        "lea 25(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm25\n\t"
        "lea 26(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm26\n\t"
        "lea 27(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm27\n\t"
        "lea 28(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm28\n\t"
        "lea 29(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm29\n\t"
        "lea 30(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm30\n\t"
        "lea 31(%[base]), %%rax\n\tvpbroadcastq %%rax, %%zmm31\n\t"
        "lea 101(%[base]), %%rax\n\tkmovq %%rax, %%k1\n\t"
        "lea 102(%[base]), %%rax\n\tkmovq %%rax, %%k2\n\t"
        "lea 103(%[base]), %%rax\n\tkmovq %%rax, %%k3\n\t"
        "lea 104(%[base]), %%rax\n\tkmovq %%rax, %%k4\n\t"
        "lea 105(%[base]), %%rax\n\tkmovq %%rax, %%k5\n\t"
        "lea 106(%[base]), %%rax\n\tkmovq %%rax, %%k6\n\t"
        "lea 107(%[base]), %%rax\n\tkmovq %%rax, %%k7\n\t"
        "1:\n\t"
        "mov $24, %%eax\n\t"   /* sched_yield */
        "syscall\n\t"
        "dec %[count]\n\t"
        "jnz 1b\n\t"
        "vmovdqu64 %%zmm0, 0(%[out])\n\t"
        "vmovdqu64 %%zmm1, 64(%[out])\n\t"
        "vmovdqu64 %%zmm2, 128(%[out])\n\t"
        "vmovdqu64 %%zmm3, 192(%[out])\n\t"
        "vmovdqu64 %%zmm4, 256(%[out])\n\t"
        "vmovdqu64 %%zmm5, 320(%[out])\n\t"
        "vmovdqu64 %%zmm6, 384(%[out])\n\t"
        "vmovdqu64 %%zmm7, 448(%[out])\n\t"
        "vmovdqu64 %%zmm8, 512(%[out])\n\t"
        "vmovdqu64 %%zmm9, 576(%[out])\n\t"
        "vmovdqu64 %%zmm10, 640(%[out])\n\t"
        "vmovdqu64 %%zmm11, 704(%[out])\n\t"
        "vmovdqu64 %%zmm12, 768(%[out])\n\t"
        "vmovdqu64 %%zmm13, 832(%[out])\n\t"
        "vmovdqu64 %%zmm14, 896(%[out])\n\t"
        "vmovdqu64 %%zmm15, 960(%[out])\n\t"
        "vmovdqu64 %%zmm16, 1024(%[out])\n\t"
        "vmovdqu64 %%zmm17, 1088(%[out])\n\t"
        "vmovdqu64 %%zmm18, 1152(%[out])\n\t"
        "vmovdqu64 %%zmm19, 1216(%[out])\n\t"
        "vmovdqu64 %%zmm20, 1280(%[out])\n\t"
        "vmovdqu64 %%zmm21, 1344(%[out])\n\t"
        "vmovdqu64 %%zmm22, 1408(%[out])\n\t"
        "vmovdqu64 %%zmm23, 1472(%[out])\n\t"
        "vmovdqu64 %%zmm24, 1536(%[out])\n\t"
        "vmovdqu64 %%zmm25, 1600(%[out])\n\t"
        "vmovdqu64 %%zmm26, 1664(%[out])\n\t"
        "vmovdqu64 %%zmm27, 1728(%[out])\n\t"
        "vmovdqu64 %%zmm28, 1792(%[out])\n\t"
        "vmovdqu64 %%zmm29, 1856(%[out])\n\t"
        "vmovdqu64 %%zmm30, 1920(%[out])\n\t"
        "vmovdqu64 %%zmm31, 1984(%[out])\n\t"
        "kmovq %%k1, %%rax\n\tmov %%rax, 2056(%[out])\n\t"
        "kmovq %%k2, %%rax\n\tmov %%rax, 2064(%[out])\n\t"
        "kmovq %%k3, %%rax\n\tmov %%rax, 2072(%[out])\n\t"
        "kmovq %%k4, %%rax\n\tmov %%rax, 2080(%[out])\n\t"
        "kmovq %%k5, %%rax\n\tmov %%rax, 2088(%[out])\n\t"
        "kmovq %%k6, %%rax\n\tmov %%rax, 2096(%[out])\n\t"
        "kmovq %%k7, %%rax\n\tmov %%rax, 2104(%[out])\n\t"
        : [count] "+r"(count)
        : [base] "r"(base), [out] "r"(seen)
        : "rax", "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23", "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "xmm31", "k1", "k2", "k3", "k4", "k5", "k6", "k7");
    int bad = 0;
    for (int r = 0; r < zmm_count; ++r) {
        for (int lane = 0; lane < 8; ++lane) {
            if (seen->zmm[r][lane] != base + (uint64_t)r) {
                printf("xstate mismatch thread=%lu zmm%d lane %d: %#lx, want %#lx\n",
                       (unsigned long)(base / 1000), r, lane, (unsigned long)seen->zmm[r][lane],
                       (unsigned long)(base + (uint64_t)r));
                bad = 1;
                break;
            }
        }
    }
    for (int k = 1; k < opmask_count; ++k) {
        if (seen->k[k] != base + 100 + (uint64_t)k) {
            printf("xstate mismatch thread=%lu k%d: %#lx\n", (unsigned long)(base / 1000), k,
                   (unsigned long)seen->k[k]);
            bad = 1;
        }
    }
    free(seen);
    return (void *)(uintptr_t)bad;
}

int main(int argc, char **argv)
{
    const int threads = argc > 1 ? atoi(argv[1]) : 4;
    if (argc > 2) {
        syscalls_per_thread = atol(argv[2]);
    }
    pthread_t ids[64];
    for (int i = 0; i < threads && i < 64; ++i) {
        pthread_create(&ids[i], NULL, run, (void *)(uintptr_t)(i + 1));
    }
    int bad = 0;
    for (int i = 0; i < threads && i < 64; ++i) {
        void *result = NULL;
        pthread_join(ids[i], &result);
        bad |= (int)(uintptr_t)result;
    }
    if (bad) {
        printf("xstate mismatch threads=%d syscalls=%ld\n", threads, syscalls_per_thread);
    } else {
        printf("xstate ok threads=%d syscalls=%ld\n", threads, syscalls_per_thread);
    }
    return bad;
}
