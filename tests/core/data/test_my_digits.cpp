// The personal digit set: drawings saved as 28x28 PNG files in one folder a digit, read back
// byte for byte in the order drawn, every third held out; pictures of other sizes and polarity
// put there by hand read as nnviz-cli predict reads them; bad files skipped and named; a planted
// link never followed; deleting only ever removes one of the drawings.
#include <doctest/doctest.h>

#include <stb_image_write.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <string>

#include "base/error.h"
#include "data/my_digits.h"

#include "test_util.h"

using namespace nnviz;
using nnviz::test::error_of;

namespace {

std::string fresh(const char* name) {
  const std::string dir = "/tmp/nnviz-my-digits-test-" + std::to_string(::getpid()) + "-" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

// A bar of ink: rows 6..21, columns c0..c1 (a "1" of some width), with a soft edge.
std::vector<float> bar(int c0, int c1) {
  std::vector<float> v(784, 0.f);
  for (int y = 6; y < 22; ++y)
    for (int x = c0; x <= c1; ++x) v[size_t(y * 28 + x)] = (x == c0 || x == c1) ? 0.5f : 1.f;
  return v;
}

}  // namespace

TEST_CASE("drawings are saved as PNG files a digit a folder and read back as they were, every third held out") {
  const std::string dir = fresh("round");
  CHECK(load_my_digits(dir).digits.empty());  // nothing drawn yet: no folder, no error
  MyDigitSet set;
  const int labels[] = {3, 7, 3, 1};
  for (int i = 0; i < 4; ++i) {
    const long n = set.next_number();
    set.digits.push_back(save_my_digit(dir, labels[i], bar(10 + i, 14 + i), n, held_out_by_default(n)));
  }
  CHECK(std::filesystem::exists(dir + "/3/1.png"));
  CHECK(std::filesystem::exists(dir + "/7/2.png"));
  CHECK(std::filesystem::exists(dir + "/3/3-held-out.png"));
  CHECK(std::filesystem::exists(dir + "/1/4.png"));
  // Private: the folders are the user's alone.
  struct stat st {};
  REQUIRE(::stat(dir.c_str(), &st) == 0);
  CHECK((st.st_mode & 077) == 0);

  const MyDigitSet back = load_my_digits(dir);
  CHECK(back.problems.empty());
  REQUIRE(back.digits.size() == 4);
  // By digit, then in the order drawn.
  CHECK(back.digits[0].label == 1);
  CHECK(back.digits[1].label == 3);
  CHECK(back.digits[1].number == 1);
  CHECK(back.digits[2].number == 3);
  CHECK(back.digits[2].held_out);
  CHECK(back.count(true) == 1);
  CHECK(back.count(false) == 3);
  CHECK(back.next_number() == 5);
  for (const MyDigit& d : back.digits) {
    const MyDigit* saved = nullptr;
    for (const MyDigit& s : set.digits)
      if (s.path == d.path) saved = &s;
    REQUIRE(saved);
    CHECK(d.pixels == saved->pixels);  // byte for byte
  }
  // A number already taken is never written over: the next free one is used.
  const MyDigit again = save_my_digit(dir, 3, bar(5, 9), 3, false);
  CHECK(again.number == 4);
  CHECK(again.path == dir + "/3/4.png");
  CHECK(load_my_digits(dir).digits.size() == 5);
  // Anything at a name takes its number (a dangling link would make every save of it fail).
  std::filesystem::create_symlink("/nonexistent", dir + "/3/5.png");
  CHECK(save_my_digit(dir, 3, bar(5, 9), 5, false).number == 6);
  // A held-out name stays held out whatever its number.
  std::filesystem::copy_file(dir + "/3/3-held-out.png", dir + "/3/12345678901234567890-held-out.png");
  bool found = false;
  for (const MyDigit& d : load_my_digits(dir).digits)
    if (d.path == dir + "/3/12345678901234567890-held-out.png") found = d.held_out && d.number == 0;
  CHECK(found);
  std::filesystem::remove_all(dir);
}

TEST_CASE("pictures put into the digit folders by hand are read like nnviz-cli predict reads them, bad files are named") {
  const std::string dir = fresh("foreign");
  std::filesystem::create_directories(dir + "/5");
  std::filesystem::create_directories(dir + "/2");
  // A 100x60 scan: dark ink on white paper, a thick stroke off to one side.
  std::vector<unsigned char> scan(100 * 60, 255);
  for (int y = 10; y < 50; ++y)
    for (int x = 70; x < 78; ++x) scan[size_t(y * 100 + x)] = 20;
  REQUIRE(stbi_write_png((dir + "/5/photo.png").c_str(), 100, 60, 1, scan.data(), 100));
  std::ofstream(dir + "/5/notes.txt") << "not a picture";
  std::ofstream(dir + "/5/cut.png", std::ios::binary) << std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  std::vector<unsigned char> black(784, 0);
  REQUIRE(stbi_write_png((dir + "/2/7.png").c_str(), 28, 28, 1, black.data(), 28));
  REQUIRE(::mkfifo((dir + "/2/8.png").c_str(), 0600) == 0);  // would block a reader forever

  const MyDigitSet set = load_my_digits(dir);
  REQUIRE(set.digits.size() == 1);
  const MyDigit& d = set.digits[0];
  CHECK(d.label == 5);
  CHECK(d.number == 0);
  CHECK(!d.held_out);
  // The ink is light on dark and centred as MNIST's: the middle bright, the corners dark.
  int bright = 0;
  for (int y = 4; y < 24; ++y) bright += d.pixels[size_t(y * 28 + 14)] > 128;
  CHECK(bright >= 15);
  CHECK(d.pixels[0] == 0);
  CHECK(d.pixels[783] == 0);
  REQUIRE(set.problems.size() == 4);
  std::string all;
  for (const std::string& p : set.problems) all += p + "\n";
  CHECK(all.find("2/7.png: holds no ink") != std::string::npos);
  CHECK(all.find("2/8.png: not a regular file") != std::string::npos);
  CHECK(all.find("5/cut.png: ") != std::string::npos);
  CHECK(all.find("5/notes.txt: not an image") != std::string::npos);
  // At most max_files pictures are read; the rest are counted.
  std::filesystem::remove(dir + "/2/8.png");
  const MyDigitSet few = load_my_digits(dir, 1);
  CHECK(few.digits.empty());  // 2/7.png was the one read (and had no ink)
  CHECK(few.problems.back().find("2 more files not read") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a link planted at a digit folder is not followed, and only drawings can be deleted") {
  const std::string dir = fresh("links"), elsewhere = fresh("elsewhere");
  std::filesystem::create_directories(dir);
  std::filesystem::create_directories(elsewhere);
  std::filesystem::create_directory_symlink(elsewhere, dir + "/4");
  const std::string e = error_of([&] { save_my_digit(dir, 4, bar(12, 15), 1, false); });
  CHECK(e.find("[my digits] " + dir + "/4: is a link") == 0);
  CHECK(std::filesystem::is_empty(elsewhere));
  // Nor is it read: its pictures are not "your drawings", so none of them can be deleted as one.
  std::vector<unsigned char> ink(784, 0);
  for (int p = 200; p < 600; p += 28) ink[size_t(p) + 10] = 255;
  REQUIRE(stbi_write_png((elsewhere + "/1.png").c_str(), 28, 28, 1, ink.data(), 28));
  const MyDigitSet through = load_my_digits(dir);
  CHECK(through.digits.empty());
  REQUIRE(through.problems.size() == 1);
  CHECK(through.problems[0] == "4: a link, not followed");
  CHECK(error_of([&] { delete_my_digit(dir, dir + "/4/1.png"); }).find("cannot be opened as a digit's folder") != std::string::npos);
  CHECK(std::filesystem::exists(elsewhere + "/1.png"));
  std::filesystem::remove(elsewhere + "/1.png");
  std::filesystem::remove(dir + "/4");

  const MyDigit d = save_my_digit(dir, 6, bar(12, 15), 1, false);
  std::ofstream(elsewhere + "/precious.txt") << "keep";
  for (const std::string& bad : {elsewhere + "/precious.txt", dir + "/6/../../" + std::filesystem::path(elsewhere).filename().string() + "/precious.txt",
                                 dir + "/6", dir + "/x/1.png", dir + "/6/sub/1.png"})
    CHECK_MESSAGE(error_of([&] { delete_my_digit(dir, bad); }).find("is not one of your drawings") != std::string::npos, bad);
  CHECK(std::filesystem::exists(elsewhere + "/precious.txt"));
  CHECK(error_of([&] { delete_my_digit(dir, dir + "/6/9.png"); }).find("is gone already") != std::string::npos);
  std::ofstream(dir + "/6/notes.txt") << "mine";  // not a picture: never deleted as a drawing
  CHECK(error_of([&] { delete_my_digit(dir, dir + "/6/notes.txt"); }).find("is not one of your drawings") != std::string::npos);
  CHECK(std::filesystem::exists(dir + "/6/notes.txt"));
  delete_my_digit(dir, d.path);
  CHECK(!std::filesystem::exists(d.path));
  CHECK(load_my_digits(dir).digits.empty());
  // Out of range.
  CHECK(error_of([&] { save_my_digit(dir, 10, bar(1, 2), 1, false); }).find("is not a digit") != std::string::npos);
  CHECK(error_of([&] { save_my_digit(dir, 1, std::vector<float>(10), 1, false); }).find("784 pixels") != std::string::npos);
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(elsewhere);
}
