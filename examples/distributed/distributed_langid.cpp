// distributed_langid - letter n-gram language identification trained and tested over MPI ranks.
//
//   mpirun -np P distributed_langid TRAIN_DIR TEST_TSV [--dim D] [--n N] [--lines L] [--no-check]
//
// The training lines (the first L of every TRAIN_DIR/<lang>.txt, default 2000; 0 for all) are
// dealt round-robin over the ranks; each rank adds the n-grams (order N, default 3) of its lines
// to one bipolar (MAP-I) accumulator per language, and hdc::mpi::allreduce then gives every rank
// the accumulators of all the lines, exactly (integer sums). The test lines of TEST_TSV
// (`label<TAB>text`) are dealt the same way and the correct predictions summed. Unless
// --no-check, rank 0 then trains alone on every line, compares its accumulators with the
// all-reduced ones bit for bit and tests alone. Prints the accuracy on P ranks and on one, the
// training and test times, `identical: yes|no` (exit 1 for no) and, last, `accuracy: 0.xxxx`.
//
// Errors (exit 1, message): unreadable directory or file, no .txt in TRAIN_DIR, no test line, a TSV line
// without a tab, a test label without a training file. Bad arguments print the usage (exit 2).
#include <hdc/distributed/allreduce.hpp>
#include <hdc/encoders/text.hpp>
#include <hdc/models/bipolar.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using V = hdc::bipolar<hdc::dynamic>;
using clock_type = std::chrono::steady_clock;

struct options {
    std::string train_dir, test_tsv;
    std::size_t dim = 10000, n = 3, lines = 2000;
    bool check = true;
};

void usage() {
    std::fprintf(stderr,
                 "usage: mpirun -np P distributed_langid TRAIN_DIR TEST_TSV [--dim D] [--n N] [--lines L] [--no-check]\n"
                 "  TRAIN_DIR/<lang>.txt: training lines (the first L per language, default 2000, 0 all);\n"
                 "  TEST_TSV: label<TAB>text lines; N-gram order N (default 3), dimension D (default 10000).\n");
}

bool parse(int argc, char** argv, options& o) {
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--no-check") {
            o.check = false;
        } else if (a == "--dim" || a == "--n" || a == "--lines") {
            if (i + 1 >= argc) return false;
            char* end = nullptr;
            const char* text = argv[++i];
            if (*text == '\0' || *text == '-') return false;
            const unsigned long long v = std::strtoull(text, &end, 10);
            if (*end != '\0') return false;
            (a == "--dim" ? o.dim : a == "--n" ? o.n : o.lines) = static_cast<std::size_t>(v);
        } else if (!a.empty() && a[0] == '-') {
            return false;
        } else {
            positional.push_back(a);
        }
    }
    if (positional.size() != 2) return false;
    o.train_dir = positional[0];
    o.test_tsv = positional[1];
    return true;
}

double seconds_since(clock_type::time_point t0) {
    return std::chrono::duration<double>(clock_type::now() - t0).count();
}

struct corpus {
    std::vector<std::string> languages;               // sorted file stems
    std::vector<std::vector<std::string>> train;      // per language, its lines
    std::vector<std::pair<std::size_t, std::string>> test;  // (language, text)
};

corpus read_corpus(const options& o) {
    corpus c;
    std::error_code ec;
    std::vector<fs::path> files;
    for (fs::directory_iterator it(o.train_dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".txt") files.push_back(it->path());
    if (ec) throw hdc::format_error("cannot read directory " + o.train_dir + ": " + ec.message());
    if (files.empty()) throw hdc::format_error("no .txt file in " + o.train_dir);
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        if (!in) throw hdc::format_error("cannot open " + f.string());
        c.languages.push_back(f.stem().string());
        c.train.emplace_back();
        for (std::string line; std::getline(in, line) && (o.lines == 0 || c.train.back().size() < o.lines);)
            c.train.back().push_back(line);
    }
    std::ifstream tsv(o.test_tsv, std::ios::binary);
    if (!tsv) throw hdc::format_error("cannot open " + o.test_tsv);
    std::size_t number = 0;
    for (std::string line; std::getline(tsv, line);) {
        ++number;
        const auto tab = line.find('\t');
        if (tab == std::string::npos)
            throw hdc::format_error(o.test_tsv + ":" + std::to_string(number) + ": no tab");
        const auto it = std::find(c.languages.begin(), c.languages.end(), line.substr(0, tab));
        if (it == c.languages.end())
            throw hdc::format_error(o.test_tsv + ":" + std::to_string(number) + ": no training file for label '" +
                                    line.substr(0, tab) + "'");
        c.test.emplace_back(static_cast<std::size_t>(it - c.languages.begin()), line.substr(tab + 1));
    }
    if (c.test.empty()) throw hdc::empty_input("no test line in " + o.test_tsv);  // an accuracy of 0 / 0
    return c;
}

/// Accumulators of the training lines i with i % step == offset.
std::vector<hdc::accumulator<V>> train(const corpus& c, const hdc::text_encoder<V>& enc, std::size_t offset,
                                       std::size_t step) {
    std::vector<hdc::accumulator<V>> acc;
    for (std::size_t l = 0; l < c.languages.size(); ++l) {
        acc.emplace_back(enc.shape());
        for (std::size_t i = offset; i < c.train[l].size(); i += step) enc.encode_into(c.train[l][i], acc.back());
    }
    return acc;
}

/// Correct predictions among the test lines i with i % step == offset.
std::size_t test(const corpus& c, const hdc::text_encoder<V>& enc, const std::vector<hdc::accumulator<V>>& acc,
                 std::size_t offset, std::size_t step) {
    hdc::prototype_classifier<V> model(enc.shape());
    for (std::size_t l = 0; l < acc.size(); ++l) model.add(model.add_class(c.languages[l]), acc[l]);
    std::size_t correct = 0;
    for (std::size_t i = offset; i < c.test.size(); i += step) {
        const hdc::accumulator<V> q = enc.encode(c.test[i].second);
        if (q.count() == 0) continue;  // shorter than the order: unclassified, an error
        if (model.predict(q.result()) == c.test[i].first) ++correct;
    }
    return correct;
}

int run(const options& o, const hdc::mpi::communicator& comm) {
    const bool root = comm.rank() == 0;
    const auto ranks = static_cast<std::size_t>(comm.size()), me = static_cast<std::size_t>(comm.rank());
    // Every rank reads the (small) corpus; a failure on any rank stops all of them.
    const corpus c = hdc::mpi::collective(comm, [&] { return read_corpus(o); });
    const hdc::text_encoder<V> enc(hdc::text_alphabet::latin(), o.n, o.dim);

    comm.barrier();
    auto t0 = clock_type::now();
    std::vector<hdc::accumulator<V>> acc = hdc::mpi::collective(comm, [&] { return train(c, enc, me, ranks); });
    for (auto& a : acc) hdc::mpi::allreduce(a, comm);
    comm.barrier();
    const double t_train = seconds_since(t0);
    t0 = clock_type::now();
    std::uint64_t correct = hdc::mpi::collective(comm, [&] { return test(c, enc, acc, me, ranks); });
    correct = comm.allreduce(correct, MPI_SUM);
    const double t_test = seconds_since(t0);
    const double accuracy = static_cast<double>(correct) / static_cast<double>(c.test.size());

    int identical = -1;
    // Only rank 0 works here: collective(), so a failure there reaches the others.
    hdc::mpi::collective(comm, [&] {
        if (!(o.check && root)) return;
        t0 = clock_type::now();
        const auto one = train(c, enc, 0, 1);
        const double t_train_one = seconds_since(t0);
        identical = 1;
        for (std::size_t l = 0; l < one.size(); ++l)
            if (one[l].sums() != acc[l].sums() || one[l].count() != acc[l].count()) identical = 0;
        t0 = clock_type::now();
        const std::size_t correct_one = test(c, enc, one, 0, 1);
        const double t_test_one = seconds_since(t0);
        std::printf("one process: accuracy %.4f, train %.2f s, test %.2f s\n",
                    static_cast<double>(correct_one) / static_cast<double>(c.test.size()), t_train_one, t_test_one);
        if (correct_one != correct) identical = 0;
    });
    if (root) {
        std::size_t lines = 0;
        for (const auto& t : c.train) lines += t.size();
        std::printf("%d ranks: accuracy %.4f, train %.2f s (%zu lines, %zu languages), test %.2f s (%zu lines)\n",
                    comm.size(), accuracy, t_train, lines, c.languages.size(), t_test, c.test.size());
        if (identical >= 0) std::printf("identical: %s\n", identical ? "yes" : "no");
        std::printf("accuracy: %.4f\n", accuracy);
    }
    int failed = identical == 0 ? 1 : 0;
    comm.broadcast(std::span<int>(&failed, 1), 0);
    return failed;
}

}  // namespace

int main(int argc, char** argv) {
    hdc::mpi::environment mpi(&argc, &argv);
    const hdc::mpi::communicator comm;
    options o;
    if (!parse(argc, argv, o)) {
        if (comm.rank() == 0) usage();
        return 2;
    }
    try {
        return run(o, comm);
    } catch (const std::exception& e) {
        if (comm.rank() == 0) std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
