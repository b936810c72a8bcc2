// quickstart - the first program to read: the algebra of every hypervector family.
//
// For each family it makes atoms, binds, bundles, unbinds and permutes, and prints the
// similarities a new user should expect: ~0 between unrelated atoms, ~1 after an exact unbind,
// a clear but partial similarity between a bundle and each of its members, and how a noisy query
// is cleaned up by comparing it with the known atoms.
//
// Usage: quickstart            (no arguments)
#include <hdc/hdc.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace {

template <class V>
void demo(const char* family, const char* note) {
    const std::uint64_t seed = 42;
    hdc::rng gen{seed};
    const V apple = hdc::symbol<V>("apple", seed);  // same name + seed -> same vector anywhere
    const V red = hdc::symbol<V>("red", seed);
    const V green = hdc::symbol<V>("green", seed);
    const V noise = hdc::random<V>(gen);

    const V red_apple = hdc::bind(red, apple);          // "colour is red" bound to "apple"
    const V set = hdc::bundle({apple, red, green});     // a set of three items
    const V recovered = hdc::unbind(red_apple, red);    // unbind(bind(a, b), a) -> b
    const V shifted = hdc::permute(apple, 3);           // a new, dissimilar vector, invertible

    std::printf("%-7s dim %6zu  %s\n", family, apple.dim(), note);
    std::printf("  unrelated atoms        sim(apple, red)              = %+.3f\n",
                hdc::similarity(apple, red));
    std::printf("  binding hides inputs   sim(bind(red, apple), apple) = %+.3f\n",
                hdc::similarity(red_apple, apple));
    std::printf("  unbinding recovers     sim(unbind(., red), apple)   = %+.3f\n",
                hdc::similarity(recovered, apple));
    std::printf("  bundle keeps members   sim(set, apple)              = %+.3f  (non-member: %+.3f)\n",
                hdc::similarity(set, apple), hdc::similarity(set, noise));
    std::printf("  permutation            sim(permute(apple, 3), apple)= %+.3f  (undone: %+.3f)\n\n",
                hdc::similarity(shifted, apple), hdc::similarity(hdc::permute(shifted, -3), apple));
}

}  // namespace

int main() {
    std::printf("hdc quickstart: one algebra, eleven hypervector families\n\n");
    demo<hdc::binary<10048>>("binary", "BSC: XOR bind, majority bundle, similarity 1 - 2 hamming / D");
    demo<hdc::bipolar<10000>>("bipolar", "MAP-B: multiply bind, sign-of-sum bundle, dot / D");
    demo<hdc::real<10000>>("real", "MAP-C: multiply bind (approximate unbind), sum bundle, cosine");
    demo<hdc::sparse<1024, 64>>("sparse", "block code: index add mod L, winner-take-all bundle, block overlap / B");
    demo<hdc::mbat<4096>>("mbat", "MBAT: orthogonal-operator bind (non-commutative), normalised sum, cosine");
    demo<hdc::phasor<10000>>("phasor", "FHRR: complex product bind, phase-normalised sum, Re<a,b> / D");
    demo<hdc::hrr<10000>>("hrr", "HRR: circular convolution bind (FFT), correlation unbind (approximate), sum, cosine");
    demo<hdc::vtb<10000>>("vtb", "VTB: block-diagonal matrix bind (non-commutative), transpose unbind, sum, cosine");
    demo<hdc::mcr<10000, 16>>("mcr", "MCR: phases mod 16, add-mod bind, quantised phasor-sum bundle, mean cos");
    demo<hdc::cgr<10000, 16>>("cgr", "CGR: phases mod 16, add-mod bind, per-component mode bundle, mean cos");
    demo<hdc::sparse_binary<10048>>("sbin", "sparse binary, w = 100 ones: shift bind, OR + CDT bundle, overlap / sqrt(|a||b|)");

    // HRR's approximate inverse loses about 1/sqrt(2); the exact (spectral) inverse and unitary
    // atoms do not.
    {
        using H = hdc::hrr<10000>;
        const H role = hdc::symbol<H>("colour", 7), red = hdc::symbol<H>("red", 7);
        const H pair = hdc::bind(role, red);
        hdc::rng gen{7};
        const H unitary = hdc::random_unitary<H>(gen);
        std::printf("HRR unbinding            approximate %.3f, exact %.6f, unitary key %.6f\n",
                    hdc::similarity(hdc::unbind(pair, role), red),
                    hdc::similarity(hdc::unbind_exact(pair, role), red),
                    hdc::similarity(hdc::unbind(hdc::bind(unitary, red), unitary), red));
    }
    // Context-dependent thinning: a binding similar to both inputs, at the atoms' density.
    {
        using V = hdc::sparse_binary<10048>;
        const V apple = hdc::symbol<V>("apple", 42), red = hdc::symbol<V>("red", 42);
        const V both = hdc::cdt_bind(apple, red);
        std::printf("sparse binary CDT        sim(cdt_bind(apple, red), apple) = %+.3f, %zu ones\n\n",
                    hdc::similarity(both, apple), both.ones());
    }

    // Cleanup: a codebook of 1,000 named atoms finds the atom hidden in a noisy query.
    {
        using V = hdc::binary<10048>;
        hdc::item_memory<V> memory;
        for (int i = 0; i < 1000; ++i) memory.add("item" + std::to_string(i), hdc::symbol<V>(i, 42));
        const V apple = hdc::symbol<V>(123, 42), red = hdc::symbol<V>("red", 42);
        const V pair = hdc::bind(apple, red);
        const V noisy = hdc::bundle({hdc::unbind(pair, red), hdc::symbol<V>("noise", 1),
                                     hdc::symbol<V>("more noise", 1)});
        const auto hit = memory.nearest(noisy);
        std::printf("item memory of %zu atoms: nearest(noisy apple) = %s (similarity %.3f)\n",
                    memory.size(), hit.label.c_str(), hit.similarity);
    }

    // The same vector with the dimension chosen at run time.
    const std::size_t dim = 10048;
    const auto a = hdc::symbol<hdc::binary<hdc::dynamic>>("apple", 42, dim);
    const auto b = hdc::symbol<hdc::binary<10048>>("apple", 42);
    std::printf("fixed and run-time dimension give the same atom: %s\n",
                a.words().size() == b.words().size() &&
                        std::equal(a.words().begin(), a.words().end(), b.words().begin())
                    ? "yes"
                    : "NO");
    return 0;
}
