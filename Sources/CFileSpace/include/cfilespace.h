#ifndef REPLSIM_CFILESPACE_H
#define REPLSIM_CFILESPACE_H

// Linux fallocate(2) for the blob store (Glibc's Swift overlay hides it behind _GNU_SOURCE).
// Both return 0 on success, else the errno value (EOPNOTSUPP where the file system or OS cannot).

/// Deallocates [offset, offset+length) of fd, keeping the file size: the range reads as zeros afterwards.
int replsim_punch_hole(int fd, long long offset, long long length);

/// Allocates [offset, offset+length) of fd without changing what it reads as, so a later write there cannot fail
/// for lack of space (ENOSPC here instead, before anything is written).
int replsim_reserve(int fd, long long offset, long long length);

#endif
