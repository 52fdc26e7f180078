#include <iostream>
#include <string_view>
#include <vector>

#include "check_app.h"

int main(int argc, char** argv) {
  return vpm::nagios::run_check(std::vector<std::string_view>(argv + 1, argv + argc), std::cout);
}
