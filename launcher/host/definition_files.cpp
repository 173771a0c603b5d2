#include "host/definition_files.hpp"

#include "definition/profile_file.hpp"
#include "host/input_file.hpp"
#include "launch_error.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>

namespace taplaunch {

std::string read_profile_text(const std::string& path)
{
    const std::string where = "profile '" + path + "'";
    try {
        InputFile file = InputFile::open(path);
        if (S_ISDIR(file.status().st_mode)) {
            throw DefinitionError("cannot read " + where + ": " + errno_text(EISDIR) +
                                  " (give --profile a file)");
        }
        try {
            return file.read_all(max_profile_bytes);
        } catch (const InputFileError& error) {
            if (error.error() == EFBIG) {
                throw DefinitionError(where + " is larger than " +
                                      std::to_string(max_profile_bytes) +
                                      " bytes (give --profile a file of key = value lines)");
            }
            throw DefinitionError("cannot read " + where + ": " + error.what() +
                                  " (check the file given to --profile)");
        }
    } catch (const InputFileError& error) {
        throw DefinitionError("cannot read " + where + ": " + error.what() +
                              " (check the path given to --profile)");
    }
}

std::optional<AclFileContents> read_bridge_acl_file(const std::string& path)
{
    const std::string where = "bridge ACL '" + path + "'";
    std::optional<InputFile> file;
    try {
        file = InputFile::open(path, O_NONBLOCK);
    } catch (const InputFileError& error) {
        if (error.error() == ENOENT) {
            return std::nullopt;
        }
        throw DefinitionError("cannot read " + where + ": " + error.what() +
                              " (it must be readable by the users it lists)");
    }
    const struct stat& status = file->status();
    if (!S_ISREG(status.st_mode)) {
        throw DefinitionError(where + " is not a regular file");
    }
    const bool others_may_write = (status.st_mode & S_IWOTH) != 0 ||
                                  ((status.st_mode & S_IWGRP) != 0 && status.st_gid != 0);
    if (status.st_uid != 0 || others_may_write) {
        throw DefinitionError(where +
                              " may be changed by someone other than root (make it root's and "
                              "writable by root alone: chown root:root, chmod 644)");
    }
    const std::string too_large =
        where + " is larger than " + std::to_string(max_bridge_acl_bytes) + " bytes";
    if (static_cast<std::size_t>(status.st_size) > max_bridge_acl_bytes) {
        throw DefinitionError(too_large);
    }
    try {
        return AclFileContents{file->read_all(max_bridge_acl_bytes), status.st_gid};
    } catch (const InputFileError& error) {
        if (error.error() == EFBIG) {
            throw DefinitionError(too_large);
        }
        throw DefinitionError("cannot read " + where + ": " + error.what());
    }
}

}  // namespace taplaunch
