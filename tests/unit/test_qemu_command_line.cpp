#include "emulators/qemu_command_line.hpp"
#include "emulators/qemu_json_option.hpp"
#include "emulators/qemu_option_list.hpp"
#include "emulators/qemu_option_table.hpp"
#include "launch_error.hpp"

#include "catch_compat.hpp"

#include <string>
#include <vector>

using taplaunch::QemuArgument;

TEST_CASE("the option table holds QEMU 7.2's options and whether each takes a value")
{
    struct Entry {
        const char* name;
        std::optional<bool> takes_value;
    };
    const Entry e = GENERATE(values<Entry>({
        {"netdev", true}, {"nic", true}, {"net", true}, {"device", true}, {"name", true},
        {"append", true}, {"readconfig", true}, {"set", true}, {"M", true}, {"g", true},
        {"prom-env", true}, {"m", true}, {"nodefaults", false}, {"enable-kvm", false},
        {"S", false}, {"s", false}, {"old-param", false}, {"h", false}, {"async-teardown", false},
        // not QEMU 7.2 options: removed earlier, added later, or not options at all
        {"soundhw", std::nullopt}, {"run-with", std::nullopt}, {"memory", std::nullopt},
        {"bridge", std::nullopt}, {"", std::nullopt}, {"-netdev", std::nullopt},
        {"NETDEV", std::nullopt}, {"netde", std::nullopt},
    }));
    INFO(e.name);
    CHECK(taplaunch::qemu_option_takes_value(e.name) == e.takes_value);
}

TEST_CASE("split_qemu_arguments reads argv as QEMU's option loop does")
{
    const std::vector<std::string> args = {"disk.img", "-m",      "1G",     "--name", "-x",
                                           "-S",       "-m=1G",   "--",     "---m",   "-",
                                           "-append",  "-nic bridge", "extra.img"};
    const auto split = taplaunch::split_qemu_arguments(args);
    using Kind = QemuArgument::Kind;
    REQUIRE(split.size() == 10);
    CHECK((split[0].kind == Kind::image && split[0].index == 0));
    CHECK((split[1].kind == Kind::option && split[1].name == "m" && split[1].value_index == 2u));
    CHECK((split[2].kind == Kind::option && split[2].name == "name" && split[2].value_index == 4u));
    CHECK((split[3].kind == Kind::option && split[3].name == "S" && !split[3].value_index));
    CHECK((split[4].kind == Kind::unknown_option && split[4].name == "m=1G"));
    CHECK((split[5].kind == Kind::unknown_option && split[5].index == 7));
    CHECK((split[6].kind == Kind::unknown_option && split[6].name == "-m"));
    CHECK((split[7].kind == Kind::unknown_option && split[7].index == 9));
    CHECK((split[8].kind == Kind::option && split[8].value_index == 11u));
    CHECK((split[9].kind == Kind::image && split[9].index == 12));
    CHECK(taplaunch::describe_qemu_argument(args, split[8]) ==
          "QEMU argument 11 (-append -nic bridge)");
    CHECK_THROWS_AS(taplaunch::split_qemu_arguments({"-nic"}), taplaunch::DefinitionError);
}

TEST_CASE("parse_qemu_option_list reads QemuOpts lists")
{
    using taplaunch::parse_qemu_option_list;
    struct ListCase {
        const char* text;
        const char* implied;
        std::vector<std::string> read;  // key=value|text for each parameter
    };
    const ListCase c = GENERATE(values<ListCase>({
        {"bridge,id=n0,br=br0", "type",
         {"type=bridge|bridge", "id=n0|id=n0", "br=br0|br=br0"}},
        {"id=n0,bridge", "type", {"id=n0|id=n0", "bridge=on|bridge"}},
        {"a,,b,process=p", "guest", {"guest=a,b|a,,b", "process=p|process=p"}},
        {"file=a,,,,b,if=virtio", "", {"file=a,,b|file=a,,,,b", "if=virtio|if=virtio"}},
        {"virtio-net-pci,netdev=n0,", "driver",
         {"driver=virtio-net-pci|virtio-net-pci", "netdev=n0|netdev=n0"}},
        {"romfile=a,,", "driver", {"romfile=a,|romfile=a,,"}},
        {"user,noipv6,restrict", "type", {"type=user|user", "ipv6=off|noipv6", "restrict=on|restrict"}},
        {"mac=", "", {"mac=|mac="}},
        {"", "type", {}},
    }));
    INFO(c.text);
    std::vector<std::string> read;
    for (const auto& parameter : parse_qemu_option_list(c.text, c.implied)) {
        read.push_back(parameter.key + "=" + parameter.value + "|" + parameter.text);
    }
    CHECK(read == c.read);
}

TEST_CASE("append_qemu_option_parameter keeps escaped commas escaped")
{
    using taplaunch::append_qemu_option_parameter;
    CHECK(append_qemu_option_parameter("e1000,netdev=n0", "mac=x") == "e1000,netdev=n0,mac=x");
    CHECK(append_qemu_option_parameter("e1000,netdev=n0,", "mac=x") == "e1000,netdev=n0,mac=x");
    CHECK(append_qemu_option_parameter("e1000,romfile=a,,", "mac=x") == "e1000,romfile=a,,,mac=x");
    CHECK(append_qemu_option_parameter("e1000,romfile=a,,,", "mac=x") == "e1000,romfile=a,,,mac=x");
    CHECK(append_qemu_option_parameter("", "mac=x") == "mac=x");
    CHECK(taplaunch::escape_qemu_option_value("a,b,,c") == "a,,b,,,,c");
}

TEST_CASE("json_object_string_members reads the top level of one JSON object")
{
    using taplaunch::json_object_string_members;
    const auto members = json_object_string_members(
        R"( {"type":"bridge", "id":"n\u0030", "nested":{"id":"x","a":[1,-2.5e3,true,null]},)"
        R"( "n":7, "esc":"a\"b\\c\/"} )");
    REQUIRE(members);
    CHECK(*members == std::map<std::string, std::string>{
                          {"type", "bridge"}, {"id", "n0"}, {"esc", "a\"b\\c/"}});
    CHECK(json_object_string_members("{}")->empty());
    for (const char* bad : {"", "{", R"({"type":"bridge")", R"({"a":1}x)", R"(["a"])",
                            R"({"a":tru})", R"({"a" "b"})", R"({'a':"b})", R"({"a":'b"})",
                            R"({"a":"\x"})", "{\"a\":\"b\tc\"}"}) {
        INFO(bad);
        CHECK_FALSE(json_object_string_members(bad));
    }
    CHECK(taplaunch::is_qemu_json_option("{\"type\":\"user\"}"));
    CHECK_FALSE(taplaunch::is_qemu_json_option("user,id=n0"));
}

TEST_CASE("json_object_string_members reads QEMU's single-quoted strings and its \\' escape")
{
    using taplaunch::json_object_string_members;
    // QEMU's lexer (qobject/json-lexer.c) takes '...' strings beside "...", and \' in both.
    const auto members = json_object_string_members(
        R"({'type':'bridge', 'id':'n0', "q":'say "hi"', 'a':'it\'s', "b":"it\'s",)"
        R"( 'nested':{'id':'x', 'list':['y', "z"]}})");
    REQUIRE(members);
    CHECK(*members == std::map<std::string, std::string>{{"type", "bridge"},
                                                         {"id", "n0"},
                                                         {"q", "say \"hi\""},
                                                         {"a", "it's"},
                                                         {"b", "it's"}});
}
