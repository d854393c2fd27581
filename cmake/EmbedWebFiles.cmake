# Writes a C++ source that holds the storefront's files (WEB_ROOT/*.html and WEB_ROOT/assets/)
# as byte arrays, behind agora::app::webFiles(). Run at build time:
#   cmake -DWEB_ROOT=<dir> -DOUTPUT=<file.cpp> -P EmbedWebFiles.cmake
cmake_minimum_required(VERSION 3.25)

if(NOT WEB_ROOT OR NOT OUTPUT)
  message(FATAL_ERROR "EmbedWebFiles.cmake needs -DWEB_ROOT=<dir> and -DOUTPUT=<file.cpp>")
endif()

file(GLOB pages RELATIVE ${WEB_ROOT} ${WEB_ROOT}/*.html)
file(GLOB_RECURSE assets RELATIVE ${WEB_ROOT} ${WEB_ROOT}/assets/*)
set(files ${pages} ${assets})
list(SORT files)

set(arrays "")
set(entries "")
set(index 0)
foreach(file IN LISTS files)
  file(READ ${WEB_ROOT}/${file} hex HEX)
  if(hex STREQUAL "")
    string(APPEND entries "    {\"/${file}\", std::string()},\n")
  else()
    string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
    # Twenty bytes a line keep the generated file readable in an editor.
    string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){20})" "\\1\n    " bytes "${bytes}")
    string(APPEND arrays "// ${file}\nconst unsigned char kFile${index}[] = {\n    ${bytes}};\n\n")
    string(APPEND entries "    {\"/${file}\", std::string(reinterpret_cast<const char*>(kFile${index}), "
                          "sizeof(kFile${index}))},\n")
  endif()
  math(EXPR index "${index} + 1")
endforeach()

set(source "// Generated at build time from the web/ folder; edit those files, not this one.
#include \"app/WebFiles.h\"

namespace agora::app {
namespace {

${arrays}}  // namespace

std::map<std::string, std::string> webFiles() {
  return {
${entries}  };
}

}  // namespace agora::app
")

# Rewriting an unchanged file would make every build recompile and relink it.
if(EXISTS ${OUTPUT})
  file(READ ${OUTPUT} previous)
  if(previous STREQUAL source)
    return()
  endif()
endif()
file(WRITE ${OUTPUT} "${source}")
