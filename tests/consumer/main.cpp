// Smoke test of the installed package: the README's first example must compile and behave.
#include <hdc/hdc.hpp>

#include <cstdio>

int main() {
    using V = hdc::binary<10048>;
    hdc::rng gen{42};
    const V apple = hdc::symbol<V>("apple", 42);
    const V red = hdc::random<V>(gen);
    const V pair = hdc::bind(apple, red);
    const V set = hdc::bundle({apple, red, pair});
    const bool ok = hdc::unbind(pair, red) == apple && hdc::similarity(set, apple) > 0.4;
    std::printf("consumer: %s\n", ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
