// The Veeam Agent export reader: the fixtures in tests/veeam_exports (written from Veeam's
// Configurator documentation), each invalid file with the exact error it must give, the UNC
// and gateway spellings, hostile XML, and that no message ever carries a credential.
#include "vpm/veeam_export.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "veeam_endpoint.h"

namespace vpm {
namespace {

const std::string kExportDir = std::string(VPM_TEST_DATA_DIR) + "/veeam_exports";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The message load_veeam_export_string() throws for `xml`, or "" when it loads.
std::string error_for(std::string_view xml, const std::string& source = "export.xml") {
  try {
    load_veeam_export_string(xml, source);
  } catch (const VeeamExportError& e) {
    return e.what();
  }
  return "";
}

std::string endpoint_text(const VeeamEndpoint& e) {
  const bool v6 = e.host.find(':') != std::string::npos;
  std::string text = v6 && e.port ? "[" + e.host + "]" : e.host;
  if (e.port) text += ":" + std::to_string(*e.port);
  return text;
}

// One line per job: "name (line) type: what was discovered".
std::string job_text(const VeeamJob& job) {
  std::string text = job.name + " (" + std::to_string(job.line) + ") " +
                     std::string(to_string(job.target_type)) + ":";
  if (job.share_server) text += " share " + endpoint_text(*job.share_server);
  if (job.backup_server) text += " server " + endpoint_text(*job.backup_server);
  for (const VeeamEndpoint& gateway : job.cloud_gateways)
    text += " gateway " + endpoint_text(gateway);
  if (!job.repository_name.empty()) text += " repository \"" + job.repository_name + "\"";
  return text;
}

// Loads a fixture through the string entry point: the file reader adds a warning when the
// checkout leaves the file world-readable, which the file tests below pin on their own.
VeeamExport load_fixture(const std::string& name) {
  return load_veeam_export_string(read_file(kExportDir + "/" + name), name);
}

struct ValidFile {
  std::string name;
  std::vector<std::string> jobs;
  std::vector<std::string> warnings;
};

const std::vector<ValidFile> kValidFiles = {
    {"all_types.xml",
     {"Local disk (4) local_disk:", "To the share (22) shared_folder: share nas01.corp.example",
      "To the backup server (42) backup_repository: server vbr01.corp.example:10001 repository "
      "\"Default Backup Repository\"",
      "To the cloud (62) cloud_connect: gateway gw1.provider.example:6180 gateway "
      "[2001:db8::10]:6181 repository \"Cloud repository 1\""},
     {}},
    {"jobinfo_under_root.xml",
     {"Backup Job (3) backup_repository: server srv06.tech.example:10001 repository \"Default "
      "Backup Repository\""},
     {}},
    {"several_jobs.xml",
     {"Volumes to vbr01 (4) backup_repository: server vbr01.corp.example:10001 repository "
      "\"Repo A\"",
      "Files to vbr02 (24) backup_repository: server 192.0.2.20:10005 repository \"Repo B\"",
      "Share one (44) shared_folder: share nas01",
      "Share two (64) shared_folder: share nas02.corp.example",
      "Share one again (84) shared_folder: share nas01",
      "Cloud, gateways in an attribute (104) cloud_connect: gateway gw1.provider.example:6180 "
      "gateway gw2.provider.example:6190 repository \"Cloud 1\"",
      "Cloud, empty GateList (124) cloud_connect: gateway cc2.provider.example:6185 repository "
      "\"Cloud 2\""},
     {}},
    {"unc_forms.xml",
     {"Host name (4) shared_folder: share nas01",
      "FQDN, upper case (13) shared_folder: share NAS02.Corp.Example",
      "IPv4 (22) shared_folder: share 192.0.2.30",
      "IPv6 in brackets (31) shared_folder: share 2001:db8::30",
      "IPv6 literal name (40) shared_folder: share 2001:db8::31",
      "IPv6 literal name with zone (49) shared_folder: share fe80::1%12",
      "Win32 namespace (58) shared_folder: share nas03.corp.example",
      "Forward slashes (67) shared_folder: share nas04",
      "WebDAV redirector form (76) shared_folder: share nas05.corp.example"},
     {}},
    {"unknown_type.xml",
     {"Object storage (4) unknown:", "No type (24) unknown:",
      "Known (44) backup_repository: server vbr01.corp.example:10001 repository \"Repo A\""},
     {":16:7: job \"Object storage\": TargetInfo Type \"7\" is not one the monitor knows (1 local "
      "disk, 2 shared folder, 3 backup repository, 4 Cloud Connect): its endpoints are not "
      "discovered",
      ":36:7: job \"No type\": TargetInfo without Type: its endpoints are not discovered"}},
    {"local_disk_only.xml", {"USB disk (4) local_disk:", "Second disk (22) local_disk:"}, {}},
    {"missing_attributes.xml",
     {" (4) backup_repository: server vbr01.corp.example repository \"Repo A\"",
      "No ConfigId (13) shared_folder: share nas01", "No target (22) unknown:"},
     {":2:1: ExitCode \"1\": Veeam Agent Configurator reported a failure when it wrote this "
      "export; its jobs may be incomplete",
      ":4:5: a JobInfo without JobName (its target is still read)",
      ":22:5: job \"No target\" has no TargetInfo: no endpoint discovered"}},
    {"gateway_forms.xml",
     {"Gateways as child elements (4) cloud_connect: gateway gw1.provider.example:6180 gateway "
      "gw2.provider.example gateway [2001:db8::40]:6180 gateway 2001:db8::41 gateway "
      "2001:db8::42 gateway 192.0.2.40:6280 repository \"Cloud\"",
      "Gateways as text (22) cloud_connect: gateway gw3.provider.example:6180 gateway "
      "gw4.provider.example:6180 repository \"Cloud\""},
     {}},
};

TEST(VeeamExportFixtures, EachGivesItsJobsAndWarnings) {
  for (const ValidFile& file : kValidFiles) {
    SCOPED_TRACE(file.name);
    VeeamExport result;
    ASSERT_NO_THROW(result = load_fixture(file.name));
    EXPECT_EQ(result.source, file.name);
    std::vector<std::string> jobs;
    for (const VeeamJob& job : result.jobs) jobs.push_back(job_text(job));
    EXPECT_EQ(jobs, file.jobs);
    std::vector<std::string> warnings;
    for (const std::string& w : file.warnings) warnings.push_back(file.name + w);
    EXPECT_EQ(result.warnings, warnings);
  }
}

// The .xml files of `dir`, sorted.
std::vector<std::string> xml_files_in(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".xml") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

template <typename File>
std::vector<std::string> sorted_names(const std::vector<File>& files) {
  std::vector<std::string> names;
  for (const File& file : files) names.push_back(file.name);
  std::sort(names.begin(), names.end());
  return names;
}

TEST(VeeamExportFixtures, EveryFileIsListed) {
  EXPECT_EQ(xml_files_in(kExportDir), sorted_names(kValidFiles));
}

TEST(VeeamExportFixtures, KeepsWhatTheMergeNeeds) {
  const VeeamExport all = load_fixture("all_types.xml");
  ASSERT_EQ(all.jobs.size(), 4u);
  EXPECT_EQ(all.version, "6.1.0.349");
  EXPECT_EQ(all.jobs[1].share_path, R"(\\nas01.corp.example\backups\agents)");
  EXPECT_EQ(all.jobs[1].config_id, "00000002-0000-4000-8000-000000000002");
  EXPECT_EQ(all.jobs[1].raw_type, "2");
  EXPECT_EQ(all.jobs[1].share_server, (VeeamEndpoint{"nas01.corp.example", std::nullopt}));
  EXPECT_EQ(all.jobs[2].backup_server, (VeeamEndpoint{"vbr01.corp.example", 10001}));
  // A job's own target only: the local disk and the share have no server or gateway.
  EXPECT_FALSE(all.jobs[0].backup_server || all.jobs[0].share_server);
  EXPECT_TRUE(all.jobs[0].cloud_gateways.empty());
  EXPECT_EQ(load_fixture("unknown_type.xml").jobs[0].raw_type, "7");
  EXPECT_EQ(load_fixture("jobinfo_under_root.xml").version, "");
}

// --- invalid exports: each file and the error it must give --------------------------------
struct InvalidFile {
  std::string name;
  std::string error_after_path;
};

const std::vector<InvalidFile> kInvalidFiles = {
    {"doctype_entity.xml",
     ":2:27: a DOCTYPE: an export has none, and DTDs and entities are not accepted"},
    {"empty.xml", ": the file is empty"},
    {"external_entity.xml",
     ":2:54: a DOCTYPE: an export has none, and DTDs and entities are not accepted"},
    {"mismatched_tag.xml", ":7:9: mismatched tag inside <TargetInfo>"},
    {"truncated.xml", ":7:7: no element found inside <TargetInfo>"},
    {"two_targets.xml",
     ":8:7: job \"J\": a second TargetInfo (the first is at line 5); a job has one backup "
     "target"},
    {"type2_bad_server.xml",
     R"(:5:7: job "J": shared folder target (Type 2): the server "nas 01" of Path "\\\\nas 01\\backups" is not a host name or IP address)"},
    {"type2_not_unc.xml",
     R"(:5:7: job "J": shared folder target (Type 2): Path "E:\\Backups" is not a UNC path (\\server\share))"},
    {"type2_without_path.xml", ":5:7: job \"J\": shared folder target (Type 2) without Path"},
    {"type3_bad_port.xml",
     ":5:7: job \"J\": backup repository target (Type 3): ServerPort \"100001\" is not a number "
     "from 1 to 65535"},
    {"type3_server_name_with_port.xml",
     ":5:7: job \"J\": backup repository target (Type 3): ServerName \"vbr01:10001\" is not a "
     "host name or IP address"},
    {"type3_without_server_name.xml",
     ":5:7: job \"J\": backup repository target (Type 3) without ServerName"},
    {"type4_bad_gateway.xml",
     ":8:11: job \"J\": Cloud Connect target (Type 4): GateList entry "
     "\"gw1.provider.example:0\": port \"0\" is not a number from 1 to 65535"},
    {"type4_no_gateway_no_server.xml",
     ":5:7: job \"J\": Cloud Connect target (Type 4) with an empty GateList without ServerName"},
    {"unclosed_password.xml", ":6:73: not well-formed (invalid token) inside <TargetInfo>"},
    {"undefined_entity.xml",
     ":4:5: undefined entity (only &amp; &lt; &gt; &apos; &quot; and character references are "
     "accepted) inside <Data>"},
    {"wrong_root.xml",
     ":2:1: the root element is <Configuration>, expected <ExecutionResult> (the file "
     "Veeam.Agent.Configurator.exe -export writes)"},
};

TEST(InvalidVeeamExports, EachGivesItsError) {
  for (const InvalidFile& file : kInvalidFiles) {
    const std::string path = kExportDir + "/invalid/" + file.name;
    SCOPED_TRACE(path);
    try {
      load_veeam_export_file(path);
      ADD_FAILURE() << "loaded without an error";
    } catch (const VeeamExportError& e) {
      EXPECT_EQ(std::string(e.what()), path + file.error_after_path);
    }
  }
}

TEST(InvalidVeeamExports, EveryFileIsListed) {
  EXPECT_EQ(xml_files_in(kExportDir + "/invalid"), sorted_names(kInvalidFiles));
}

// --- small documents ------------------------------------------------------------------------
std::string export_with(const std::string& job_body) {
  return "<ExecutionResult ExitCode='0'><Data><JobInfo JobName='j'>" + job_body +
         "</JobInfo></Data></ExecutionResult>";
}

TEST(VeeamExportText, StructureRules) {
  // JobInfo elsewhere than under the root or its Data is not a job (statistics, say).
  EXPECT_TRUE(load_veeam_export_string("<ExecutionResult><Stats><JobInfo JobName='x'/></Stats>"
                                       "</ExecutionResult>",
                                       "e.xml")
                  .jobs.empty());
  // A TargetInfo below the job's own level is not the job's target.
  EXPECT_EQ(load_veeam_export_string(
                export_with("<Other><TargetInfo Type='3' ServerName='a'/></Other>"), "e.xml")
                .jobs[0]
                .target_type,
            VeeamTargetType::kUnknown);
  // No job at all: loaded, with a warning.
  const VeeamExport none =
      load_veeam_export_string("<ExecutionResult><Data/></ExecutionResult>", "e.xml");
  EXPECT_TRUE(none.jobs.empty());
  EXPECT_EQ(none.warnings, std::vector<std::string>{
                               "e.xml:1:1: no JobInfo in this export: it lists no backup job"});
  // Entities XML itself defines and character references are fine.
  EXPECT_EQ(
      load_veeam_export_string(export_with("<TargetInfo Type='3' ServerName='a&#46;b'/>"), "e.xml")
          .jobs[0]
          .backup_server->host,
      "a.b");
  // An empty ServerPort is no port: the catalogue's applies.
  EXPECT_EQ(load_veeam_export_string(
                export_with("<TargetInfo Type='3' ServerName='vbr' ServerPort=''/>"), "e.xml")
                .jobs[0]
                .backup_server,
            (VeeamEndpoint{"vbr", std::nullopt}));
  EXPECT_EQ(error_for("<ExecutionResult>"),
            "export.xml:1:18: no element found inside <ExecutionResult>");
  EXPECT_EQ(error_for("not xml"), "export.xml:1:1: syntax error");
  EXPECT_EQ(error_for("<ExecutionResult/><x/>"), "export.xml:1:19: junk after document element");
  EXPECT_EQ(error_for(std::string("<ExecutionResult/>\0", 19)),
            "export.xml:1:19: not well-formed (invalid token)");
}

// A Windows editor or PowerShell may save the export again as UTF-16 or with a BOM.
TEST(VeeamExportText, Encodings) {
  const std::string utf8 = read_file(kExportDir + "/all_types.xml");
  const VeeamExport with_bom = load_veeam_export_string("\xef\xbb\xbf" + utf8, "e.xml");
  EXPECT_EQ(with_bom.jobs.size(), 4u);
  std::string utf16 = "\xff\xfe";  // UTF-16LE with its BOM; the text is ASCII
  std::string declared = utf8;
  declared.replace(declared.find("UTF-8"), 5, "UTF-16");
  for (char c : declared) {
    utf16 += c;
    utf16 += '\0';
  }
  const VeeamExport wide = load_veeam_export_string(utf16, "e.xml");
  ASSERT_EQ(wide.jobs.size(), 4u);
  EXPECT_EQ(wide.jobs[2].backup_server, with_bom.jobs[2].backup_server);
  EXPECT_EQ(wide.jobs[3].cloud_gateways, with_bom.jobs[3].cloud_gateways);
  // Latin-1, declared: the job name comes out as UTF-8.
  EXPECT_EQ(load_veeam_export_string("<?xml version='1.0' encoding='ISO-8859-1'?>"
                                     "<ExecutionResult><JobInfo JobName='Pl\xe4tte'/>"
                                     "</ExecutionResult>",
                                     "e.xml")
                .jobs[0]
                .name,
            "Pl\xc3\xa4tte");
}

TEST(VeeamExportText, WarningsAreCapped) {
  std::string xml = "<ExecutionResult>";
  for (int i = 0; i < 150; ++i) xml += "<JobInfo JobName='j'><TargetInfo Type='9'/></JobInfo>";
  xml += "</ExecutionResult>";
  const VeeamExport result = load_veeam_export_string(xml, "e.xml");
  EXPECT_EQ(result.jobs.size(), 150u);
  ASSERT_EQ(result.warnings.size(), 101u);
  EXPECT_EQ(result.warnings.back(), "e.xml: 50 more warnings not shown");
}

TEST(VeeamExportText, JobsAreCapped) {
  std::string xml = "<ExecutionResult>";
  for (int i = 0; i < 1001; ++i) xml += "<JobInfo JobName='j'><TargetInfo Type='1'/></JobInfo>";
  xml += "</ExecutionResult>";
  EXPECT_EQ(error_for(xml), "export.xml:1:53018: more than 1000 JobInfo elements");
}

// --- hostile XML: a clear error at once (tests/hostile measures memory and time too) --------
TEST(VeeamExportHostile, EntitiesAndDeepNestingAreRefused) {
  const auto started = std::chrono::steady_clock::now();
  std::string bomb = "<?xml version='1.0'?>\n<!DOCTYPE ExecutionResult [\n <!ENTITY a0 'lol'>\n";
  for (int i = 1; i < 10; ++i) {
    bomb += " <!ENTITY a" + std::to_string(i) + " '";
    for (int k = 0; k < 10; ++k) bomb += "&a" + std::to_string(i - 1) + ";";
    bomb += "'>\n";
  }
  bomb += "]>\n<ExecutionResult><JobInfo JobName='&a9;'/></ExecutionResult>\n";
  EXPECT_EQ(error_for(bomb),
            "export.xml:2:27: a DOCTYPE: an export has none, and DTDs and entities are not "
            "accepted");
  EXPECT_EQ(error_for("<!DOCTYPE x [<!ENTITY % p SYSTEM 'http://127.0.0.1:9/x'> %p;]><x/>"),
            "export.xml:1:13: a DOCTYPE: an export has none, and DTDs and entities are not "
            "accepted");
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<ExecutionResult>";
  EXPECT_EQ(error_for(deep),
            "export.xml:1:545: elements nested deeper than 32 levels (an export needs about 10)");
  EXPECT_EQ(error_for(std::string(5 * 1024 * 1024, ' ')),
            "export.xml: larger than 4 MiB, more than an export of an agent's jobs can be");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
}

// --- UNC paths and gateway entries ----------------------------------------------------------
TEST(UncServer, Forms) {
  const std::vector<std::pair<std::string, std::optional<std::string>>> cases = {
      {R"(\\server\share\dir)", "server"},
      {R"(\\server.corp.example\share)", "server.corp.example"},
      {R"(\\192.0.2.1\share)", "192.0.2.1"},
      {R"(\\[2001:db8::1]\share)", "2001:db8::1"},
      {R"(\\2001-db8--1.ipv6-literal.net\share)", "2001:db8::1"},
      {R"(\\fe80--1s4.ipv6-literal.net\share)", "fe80::1%4"},
      {R"(\\?\UNC\server\share)", "server"},
      {R"(\\.\unc\server\share)", "server"},
      {R"(//server/share)", "server"},
      {R"(  \\server\share)", "server"},
      {R"(\\server)", "server"},
      {R"(\\server@SSL@443\dav)", "server"},
      {R"(\\server@8080\dav)", "server"},
      {R"(\\?\C:\Backups)", std::nullopt},
      {R"(C:\Backups)", std::nullopt},
      {R"(\\\share)", std::nullopt},
      {R"(\\)", std::nullopt},
      {R"(\\[]\share)", std::nullopt},
      {R"(\\[2001:db8::1\share)", std::nullopt},
      {R"(\\@SSL\share)", std::nullopt},
      {R"(\server\share)", std::nullopt},
      {"", std::nullopt},
  };
  for (const auto& [path, server] : cases) EXPECT_EQ(unc_server(path), server) << path;
}

TEST(GatewayEntry, Forms) {
  struct Case {
    std::string entry;
    std::optional<VeeamEndpoint> endpoint;
    std::string why;
  };
  const std::vector<Case> cases = {
      {"gw.example:6180", VeeamEndpoint{"gw.example", 6180}, ""},
      {" gw.example ", VeeamEndpoint{"gw.example", std::nullopt}, ""},
      {"192.0.2.1:6180", VeeamEndpoint{"192.0.2.1", 6180}, ""},
      {"[2001:db8::1]:6180", VeeamEndpoint{"2001:db8::1", 6180}, ""},
      {"[2001:db8::1]", VeeamEndpoint{"2001:db8::1", std::nullopt}, ""},
      {"2001:db8::1", VeeamEndpoint{"2001:db8::1", std::nullopt}, ""},
      {"[fe80::1%eth0]:1", VeeamEndpoint{"fe80::1%eth0", 1}, ""},
      {"gw.example:65535", VeeamEndpoint{"gw.example", 65535}, ""},
      {"gw.example:65536", std::nullopt, "port \"65536\" is not a number from 1 to 65535"},
      {"gw.example:", std::nullopt, "port \"\" is not a number from 1 to 65535"},
      {"gw.example:+1", std::nullopt, "port \"+1\" is not a number from 1 to 65535"},
      {":6180", std::nullopt, "\"\" is not a host name or IP address"},
      {"gw example:6180", std::nullopt, "\"gw example\" is not a host name or IP address"},
      {"[2001:db8::1", std::nullopt, "no ']' after the IPv6 address"},
      {"[2001:db8::1]6180", std::nullopt, "expected ':' and a port after ']'"},
      {"[gw.example]:6180", std::nullopt, "\"gw.example\" in brackets is not an IPv6 address"},
      {"2001:db8::zz", std::nullopt, "\"2001:db8::zz\" is not a host name or IP address"},
  };
  for (const Case& c : cases) {
    std::string why;
    EXPECT_EQ(parse_gateway(c.entry, why), c.endpoint) << c.entry;
    EXPECT_EQ(why, c.why) << c.entry;
  }
  EXPECT_EQ(split_gate_list(" a:1; b:2,c:3\n d "),
            (std::vector<std::string_view>{"a:1", "b:2", "c:3", "d"}));
}

// --- the export file --------------------------------------------------------------------------
class ExportFile : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("vpm-export-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
              "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".xml"))
                .string();
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  void write(const std::string& content) { std::ofstream(path_, std::ios::binary) << content; }
  std::string path_;
};

TEST_F(ExportFile, ReadsAFileAndNamesItInMessages) {
  write(read_file(kExportDir + "/missing_attributes.xml"));
  std::filesystem::permissions(
      path_, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const VeeamExport result = load_veeam_export_file(path_);
  EXPECT_EQ(result.source, path_);
  EXPECT_EQ(result.jobs.size(), 3u);
  ASSERT_EQ(result.warnings.size(), 3u);
  EXPECT_EQ(result.warnings[1],
            path_ + ":4:5: a JobInfo without JobName (its target is still read)");
}

#ifndef _WIN32
TEST_F(ExportFile, WarnsWhenEveryoneMayReadIt) {
  write(read_file(kExportDir + "/jobinfo_under_root.xml"));
  using std::filesystem::perms;
  std::filesystem::permissions(
      path_, perms::owner_read | perms::owner_write | perms::group_read | perms::others_read);
  EXPECT_EQ(
      load_veeam_export_file(path_).warnings,
      std::vector<std::string>{path_ + ": readable by every user (mode 0644), yet it holds the "
                                       "agent's credentials (base64): chmod o-r it"});
  std::filesystem::permissions(path_, perms::owner_read | perms::group_read);
  EXPECT_TRUE(load_veeam_export_file(path_).warnings.empty());
}
#endif

TEST_F(ExportFile, ReadErrors) {
  EXPECT_THROW(
      {
        try {
          load_veeam_export_file(path_ + ".missing");
        } catch (const VeeamExportError& e) {
          EXPECT_EQ(std::string(e.what()),
                    path_ + ".missing: cannot read: No such file or directory");
          throw;
        }
      },
      VeeamExportError);
#ifndef _WIN32  // Windows refuses to open a directory with EACCES, before any read
  const std::string dir = std::filesystem::temp_directory_path().string();
  try {
    load_veeam_export_file(dir);
    ADD_FAILURE() << "a directory loaded";
  } catch (const VeeamExportError& e) {
    EXPECT_EQ(std::string(e.what()), dir + ": cannot read: Is a directory");
  }
#endif
  // Just over the limit: refused from its size, without parsing.
  write(std::string(4 * 1024 * 1024 + 1, ' '));
  try {
    load_veeam_export_file(path_);
    ADD_FAILURE() << "a file over 4 MiB loaded";
  } catch (const VeeamExportError& e) {
    EXPECT_EQ(std::string(e.what()),
              path_ + ": larger than 4 MiB, more than an export of an agent's jobs can be");
  }
}

// --- secrets ----------------------------------------------------------------------------------
std::string base64_decode(std::string_view text) {
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (char c : text) {
    const std::size_t value = kAlphabet.find(c);
    if (value == std::string_view::npos) break;  // '=' padding
    bits = (bits << 6) | static_cast<unsigned>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  return out;
}

struct Fixture {
  std::string name;
  std::string text;
};

std::vector<Fixture> all_fixtures() {
  std::vector<Fixture> fixtures;
  for (const std::string& dir : {kExportDir, kExportDir + "/invalid"}) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() != ".xml") continue;
      fixtures.push_back({entry.path().filename().string(), read_file(entry.path().string())});
    }
  }
  return fixtures;
}

// Every Password and UserName value of the fixtures, as written (base64) and decoded.
std::vector<std::string> fixture_secrets(const std::vector<Fixture>& fixtures) {
  std::vector<std::string> secrets;
  const std::regex credential("(Password|UserName)='([^' ]+)");
  for (const Fixture& f : fixtures) {
    for (std::sregex_iterator it(f.text.begin(), f.text.end(), credential), end; it != end; ++it) {
      secrets.push_back((*it)[2]);
      secrets.push_back(base64_decode((*it)[2].str()));
    }
  }
  return secrets;
}

// Any message of the reader for `xml`: the error, or the warnings.
std::vector<std::string> messages_for(std::string_view xml) {
  try {
    return load_veeam_export_string(xml, "e.xml").warnings;
  } catch (const VeeamExportError& e) {
    return {e.what()};
  }
}

// A secret counts as leaked when any 8 bytes of it appear: a message that quoted the text
// around an error could show part of a value.
void expect_no_secret(const std::vector<std::string>& messages,
                      const std::vector<std::string>& secrets, const std::string& what) {
  for (const std::string& message : messages) {
    for (const std::string& secret : secrets) {
      for (std::size_t i = 0; i + 8 <= secret.size(); ++i) {
        ASSERT_EQ(message.find(secret.substr(i, 8)), std::string::npos)
            << what << ": " << message << " holds part of " << secret;
      }
    }
  }
}

TEST(VeeamExportSecrets, TheFixturesHoldTheListedPasswords) {
  const std::vector<Fixture> fixtures = all_fixtures();
  const std::vector<std::string> secrets = fixture_secrets(fixtures);
  // Every fixture holds at least one; README.md lists each password for leak tests.
  for (const Fixture& f : fixtures) {
    if (f.text.empty()) continue;  // empty.xml
    EXPECT_NE(f.text.find("Password='"), std::string::npos) << f.name;
  }
  const std::string readme = read_file(kExportDir + "/README.md");
  for (std::size_t i = 0; i < secrets.size(); i += 2) {
    EXPECT_NE(readme.find(secrets[i]), std::string::npos) << secrets[i];
    EXPECT_NE(readme.find(secrets[i + 1]), std::string::npos) << secrets[i + 1];
  }
  EXPECT_GE(secrets.size(), 2u * 40);
}

TEST(VeeamExportSecrets, NoMessageHoldsAny) {
  const std::vector<Fixture> fixtures = all_fixtures();
  const std::vector<std::string> secrets = fixture_secrets(fixtures);
  ASSERT_FALSE(secrets.empty());
  for (const Fixture& f : fixtures) {
    expect_no_secret(messages_for(f.text), secrets, f.name);
    // Cut or broken in and around each credential: errors land inside the values.
    const std::regex credential("(Password|UserName)='");
    for (std::sregex_iterator it(f.text.begin(), f.text.end(), credential), end; it != end; ++it) {
      const std::size_t from = static_cast<std::size_t>(it->position());
      // The attribute's name, its quote and the first bytes of its value.
      for (std::size_t at = from + 6; at < std::min(f.text.size(), from + 24); ++at) {
        const std::string where = f.name + " at byte " + std::to_string(at);
        expect_no_secret(messages_for(std::string_view(f.text).substr(0, at)), secrets,
                         where + " (cut)");
        for (const char bad : {'<', '\'', '\0'}) {
          std::string broken = f.text;
          broken[at] = bad;
          expect_no_secret(messages_for(broken), secrets, where + " (broken)");
        }
      }
    }
  }
}

}  // namespace
}  // namespace vpm
