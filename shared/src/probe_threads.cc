#include "probe_threads.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <thread>

namespace vpm {

struct ProbeThreads::Thread {
  boost::asio::io_context io{1};  // run by one thread: Asio may skip some locking
  // Makes the io_context's reactor (on Linux an epoll, an eventfd and a timerfd) now, while the
  // runner counts its descriptors, rather than at the first probe, when there may be none left.
  boost::asio::steady_timer reactor_now{io};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> busy =
      boost::asio::make_work_guard(io);
  std::thread thread{[this] { io.run(); }};
};

ProbeThreads::ProbeThreads(unsigned count) {
  threads_.reserve(count);
  for (unsigned i = 0; i < count; ++i) threads_.push_back(std::make_unique<Thread>());
}

ProbeThreads::~ProbeThreads() {
  for (auto& t : threads_) t->io.stop();
  for (auto& t : threads_) t->thread.join();
  // Each io_context now goes on this thread, with the probes it still held and their `done`.
}

void ProbeThreads::start(std::size_t index, ProbeFn probe, ProbeRequest request,
                         boost::asio::io_context& home, ProbeDone done) {
  boost::asio::io_context& io = threads_[index]->io;
  // What goes back to `home`: `done`, and work for `home` until then, so that its run() does
  // not return while the probe runs here. Shared by whatever copies the probe makes of its
  // callback: the first call hands it over, so the runner's state that `done` holds is only
  // ever touched, and freed, on `home`'s thread (or, abandoned, with the io_context).
  struct Handback {
    ProbeDone done;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> home_busy;
  };
  auto handback =
      std::make_shared<Handback>(Handback{std::move(done), boost::asio::make_work_guard(home)});
  boost::asio::post(io, [&io, &home, probe, request = std::move(request), handback] {
    probe(io, request, [&home, handback](PortResult result) {
      boost::asio::post(home, [back = std::move(*handback), result = std::move(result)]() mutable {
        back.done(std::move(result));
      });
    });
  });
}

}  // namespace vpm
