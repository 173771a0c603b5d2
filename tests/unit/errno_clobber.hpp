#pragma once
// ErrnoClobber: while one is alive, every allocation of the test program sets errno to EDOM,
// as an allocator may (malloc is free to change errno even when it succeeds). An error message
// that reads errno after building a string then names the wrong error, which a test can see.

namespace taplaunch_test {

class ErrnoClobber {
public:
    ErrnoClobber();
    ~ErrnoClobber();
    ErrnoClobber(const ErrnoClobber&) = delete;
    ErrnoClobber& operator=(const ErrnoClobber&) = delete;
};

}  // namespace taplaunch_test
