// ITK peer for Concord's consensus metrics and merges (`concord bench consensus`, and the references under
// resources/test-data/*/itk_consensus_reference.json). Built by the bench with g++ against Debian's
// libinsighttoolkit5-dev (ITK 5.2); not part of Concord itself.
//
//   itk_consensus reference <label> <mask>...   NIfTI/MetaImage masks -> one JSON document on stdout:
//       pairwise Dice/Jaccard (LabelOverlapMeasures), Hausdorff + average (HausdorffDistanceImageFilter),
//       boundary metrics (see below), LabelVoting, STAPLE (float output), MultiLabelSTAPLE (float weights).
//   itk_consensus bench <op> <nx> <ny> <nz> <sx> <sy> <sz> <raw uint8 file>...
//       op = staple | vote | mstaple | distances (label 1 of the first two files); times that operation
//       alone (the files are read, and for distances binarised, first) and prints
//       {"seconds", "peakRssBytes", "loadedRssBytes", "threads", ...} on stdout.
//
// Boundary metrics the ITK way: BinaryContourImageFilter (face connectivity, FullyConnected off) gives the
// boundary voxels, SignedMaurerDistanceMapImageFilter (image spacing, not squared) of one contour is read at
// the other's contour voxels (negative values, inside the contour set, clamped to 0). HD95 = the larger
// directed 95th percentile (numpy 'linear'), ASSD = pooled mean, surface Dice at tolerance 1 mm.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "itkBinaryContourImageFilter.h"
#include "itkHausdorffDistanceImageFilter.h"
#include "itkImage.h"
#include "itkImageFileReader.h"
#include "itkImageRegionConstIterator.h"
#include "itkLabelOverlapMeasuresImageFilter.h"
#include "itkLabelVotingImageFilter.h"
#include "itkMetaImageIOFactory.h"
#include "itkMultiLabelSTAPLEImageFilter.h"
#include "itkMultiThreaderBase.h"
#include "itkNiftiImageIOFactory.h"
#include "itkSTAPLEImageFilter.h"
#include "itkSignedMaurerDistanceMapImageFilter.h"

using MaskType = itk::Image<unsigned char, 3>;
using FloatType = itk::Image<float, 3>;

static long rssField(const char * name)
{
  std::ifstream f("/proc/self/status");
  std::string line;
  const std::string key = std::string(name) + ":";
  while (std::getline(f, line))
  {
    if (line.rfind(key, 0) == 0)
      return std::atol(line.c_str() + key.size()) * 1024L;
  }
  return -1;
}

static std::string num(double x)
{
  if (std::isnan(x))
    return "null";
  if (std::isinf(x))
    return x > 0 ? "\"inf\"" : "\"-inf\"";
  std::ostringstream s;
  s.precision(17);
  s << x;
  return s.str();
}

static MaskType::Pointer readMask(const std::string & file)
{
  auto reader = itk::ImageFileReader<MaskType>::New();
  reader->SetFileName(file);
  reader->Update();
  return reader->GetOutput();
}

static MaskType::Pointer readRaw(const std::string & file, const MaskType::SizeType & size, const double spacing[3])
{
  auto image = MaskType::New();
  MaskType::RegionType region;
  region.SetSize(size);
  image->SetRegions(region);
  image->SetSpacing(spacing);
  image->Allocate();
  const size_t n = size[0] * size[1] * size[2];
  FILE * f = std::fopen(file.c_str(), "rb");
  if (!f || std::fread(image->GetBufferPointer(), 1, n, f) != n)
  {
    std::cerr << "cannot read " << n << " bytes from " << file << "\n";
    std::exit(2);
  }
  std::fclose(f);
  return image;
}

/** A 0/1 image of where `mask` equals `label`. */
static MaskType::Pointer binarise(MaskType::Pointer mask, unsigned char label)
{
  auto out = MaskType::New();
  out->CopyInformation(mask);
  out->SetRegions(mask->GetLargestPossibleRegion());
  out->Allocate();
  const size_t n = mask->GetLargestPossibleRegion().GetNumberOfPixels();
  const unsigned char * a = mask->GetBufferPointer();
  unsigned char * b = out->GetBufferPointer();
  for (size_t i = 0; i < n; ++i)
    b[i] = a[i] == label ? 1 : 0;
  return out;
}

static double percentileLinear(std::vector<double> v, double q)
{
  if (v.empty())
    return NAN;
  std::sort(v.begin(), v.end());
  const double h = (v.size() - 1) * q / 100.0;
  const size_t lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(v.size() - 1, lo + 1);
  const double t = h - lo;
  return t >= 0.5 ? v[hi] - (v[hi] - v[lo]) * (1 - t) : v[lo] + (v[hi] - v[lo]) * t;
}

struct BoundaryMetrics
{
  double hd95, assd, surfaceDice, hd95ab, hd95ba;
  size_t edgeA, edgeB;
};

/** Distances from the contour voxels of `from` to the contour of `to` (both 0/1 images). */
static std::vector<double> contourDistances(MaskType::Pointer fromContour, MaskType::Pointer toContour)
{
  auto maurer = itk::SignedMaurerDistanceMapImageFilter<MaskType, FloatType>::New();
  maurer->SetInput(toContour);
  maurer->SetUseImageSpacing(true);
  maurer->SetSquaredDistance(false);
  maurer->SetInsideIsPositive(false);
  maurer->Update();
  const float * d = maurer->GetOutput()->GetBufferPointer();
  const unsigned char * c = fromContour->GetBufferPointer();
  const size_t n = fromContour->GetLargestPossibleRegion().GetNumberOfPixels();
  std::vector<double> out;
  for (size_t i = 0; i < n; ++i)
    if (c[i])
      out.push_back(std::max(0.0, static_cast<double>(d[i])));
  return out;
}

static MaskType::Pointer contour(MaskType::Pointer binary)
{
  auto f = itk::BinaryContourImageFilter<MaskType, MaskType>::New();
  f->SetInput(binary);
  f->SetForegroundValue(1);
  f->SetBackgroundValue(0);
  f->SetFullyConnected(false);
  f->Update();
  return f->GetOutput();
}

static BoundaryMetrics boundaryMetrics(MaskType::Pointer a, MaskType::Pointer b, double tolerance)
{
  auto ca = contour(a);
  auto cb = contour(b);
  const auto ab = contourDistances(ca, cb);
  const auto ba = contourDistances(cb, ca);
  double sum = 0;
  size_t within = 0;
  for (double d : ab)
  {
    sum += d;
    within += d <= tolerance + 1e-9;
  }
  for (double d : ba)
  {
    sum += d;
    within += d <= tolerance + 1e-9;
  }
  BoundaryMetrics m;
  m.hd95ab = percentileLinear(ab, 95);
  m.hd95ba = percentileLinear(ba, 95);
  m.hd95 = std::max(m.hd95ab, m.hd95ba);
  m.assd = sum / (ab.size() + ba.size());
  m.surfaceDice = static_cast<double>(within) / (ab.size() + ba.size());
  m.edgeA = ab.size();
  m.edgeB = ba.size();
  return m;
}

static int reference(unsigned char label, const std::vector<std::string> & files)
{
  std::vector<MaskType::Pointer> masks, binary;
  for (const auto & f : files)
  {
    masks.push_back(readMask(f));
    binary.push_back(binarise(masks.back(), label));
  }
  std::ostringstream out;
  out << "{\n \"itk_version\": \"" << ITK_VERSION_STRING << "\",\n \"label\": " << int(label) << ",\n \"pairwise\": [";
  for (size_t a = 0; a < binary.size(); ++a)
  {
    for (size_t b = a + 1; b < binary.size(); ++b)
    {
      auto overlap = itk::LabelOverlapMeasuresImageFilter<MaskType>::New();
      overlap->SetSourceImage(binary[a]);
      overlap->SetTargetImage(binary[b]);
      overlap->Update();
      out << (a + b > 1 ? "," : "") << "\n  {\"a\": " << a << ", \"b\": " << b
          << ", \"dice\": " << num(overlap->GetDiceCoefficient(1))
          << ", \"jaccard\": " << num(overlap->GetJaccardCoefficient(1));
      try
      {
        auto hd = itk::HausdorffDistanceImageFilter<MaskType, MaskType>::New();
        hd->SetInput1(binary[a]);
        hd->SetInput2(binary[b]);
        hd->SetUseImageSpacing(true);
        hd->Update();
        const auto bm = boundaryMetrics(binary[a], binary[b], 1.0);
        out << ", \"hausdorff\": " << num(hd->GetHausdorffDistance())
            << ", \"avg_hausdorff\": " << num(hd->GetAverageHausdorffDistance()) << ", \"hd95\": " << num(bm.hd95)
            << ", \"hd95_ab\": " << num(bm.hd95ab) << ", \"hd95_ba\": " << num(bm.hd95ba)
            << ", \"assd\": " << num(bm.assd) << ", \"surface_dice_1mm\": " << num(bm.surfaceDice)
            << ", \"boundary_voxels\": [" << bm.edgeA << ", " << bm.edgeB << "]";
      }
      catch (const itk::ExceptionObject & e)
      {
        out << ", \"hausdorff\": null, \"distance_error\": \"" << e.GetDescription() << "\"";
      }
      out << "}";
    }
  }
  out << "\n ],\n";

  auto voting = itk::LabelVotingImageFilter<MaskType, MaskType>::New();
  for (size_t r = 0; r < binary.size(); ++r)
    voting->SetInput(r, binary[r]);
  voting->SetLabelForUndecidedPixels(255);
  voting->Update();
  size_t c1 = 0, cu = 0;
  {
    itk::ImageRegionConstIterator<MaskType> it(voting->GetOutput(), voting->GetOutput()->GetLargestPossibleRegion());
    for (; !it.IsAtEnd(); ++it)
    {
      c1 += it.Get() == 1;
      cu += it.Get() == 255;
    }
  }
  out << " \"label_voting\": {\"count_1\": " << c1 << ", \"count_undecided\": " << cu << "},\n";

  auto staple = itk::STAPLEImageFilter<MaskType, FloatType>::New();
  for (size_t r = 0; r < binary.size(); ++r)
    staple->SetInput(r, binary[r]);
  staple->SetForegroundValue(1);
  staple->Update();
  size_t above = 0;
  double sumP = 0;
  {
    itk::ImageRegionConstIterator<FloatType> it(staple->GetOutput(), staple->GetOutput()->GetLargestPossibleRegion());
    for (; !it.IsAtEnd(); ++it)
    {
      above += it.Get() > 0.5;
      sumP += it.Get();
    }
  }
  out << " \"staple\": {\"iterations\": " << staple->GetElapsedIterations() << ", \"count_p_gt_0.5\": " << above
      << ", \"sum_probability\": " << num(sumP) << ", \"sensitivity\": [";
  for (size_t r = 0; r < binary.size(); ++r)
    out << (r ? ", " : "") << num(staple->GetSensitivity(r));
  out << "], \"specificity\": [";
  for (size_t r = 0; r < binary.size(); ++r)
    out << (r ? ", " : "") << num(staple->GetSpecificity(r));
  out << "]},\n";

  auto ml = itk::MultiLabelSTAPLEImageFilter<MaskType, MaskType>::New();
  for (size_t r = 0; r < masks.size(); ++r)
    ml->SetInput(r, masks[r]);
  ml->SetLabelForUndecidedPixels(255);
  ml->Update();
  std::vector<size_t> counts(256, 0);
  {
    itk::ImageRegionConstIterator<MaskType> it(ml->GetOutput(), ml->GetOutput()->GetLargestPossibleRegion());
    for (; !it.IsAtEnd(); ++it)
      counts[it.Get()]++;
  }
  out << " \"multi_label_staple\": {\"iterations\": " << ml->GetElapsedNumberOfIterations() << ", \"label_counts\": {";
  bool first = true;
  for (int v = 0; v < 256; ++v)
  {
    if (!counts[v])
      continue;
    out << (first ? "" : ", ") << "\"" << v << "\": " << counts[v];
    first = false;
  }
  out << "}, \"confusion\": [";
  for (size_t r = 0; r < masks.size(); ++r)
  {
    const auto & m = ml->GetConfusionMatrix(r);
    out << (r ? ", " : "") << "[";
    for (unsigned int j = 0; j < m.rows(); ++j)
    {
      out << (j ? ", " : "") << "[";
      for (unsigned int c = 0; c < m.cols(); ++c)
        out << (c ? ", " : "") << num(m(j, c));
      out << "]";
    }
    out << "]";
  }
  out << "]}\n}\n";
  std::cout << out.str();
  return 0;
}

static int bench(const std::string & op, int argc, char ** argv)
{
  if (argc < 8)
  {
    std::cerr << "usage: itk_consensus bench <op> nx ny nz sx sy sz file...\n";
    return 2;
  }
  MaskType::SizeType size;
  size[0] = std::atol(argv[0]);
  size[1] = std::atol(argv[1]);
  size[2] = std::atol(argv[2]);
  const double spacing[3] = { std::atof(argv[3]), std::atof(argv[4]), std::atof(argv[5]) };
  std::vector<MaskType::Pointer> masks;
  for (int i = 6; i < argc; ++i)
    masks.push_back(readRaw(argv[i], size, spacing));
  if (op == "distances")
  {
    // Label 1 only, as Concord measures it (the synthetic masks also hold a lesion, label 2); not timed.
    for (auto & m : masks)
      m = binarise(m, 1);
  }
  const long loaded = rssField("VmRSS");
  const auto t0 = std::chrono::steady_clock::now();
  std::ostringstream extra;
  if (op == "staple")
  {
    auto f = itk::STAPLEImageFilter<MaskType, FloatType>::New();
    for (size_t r = 0; r < masks.size(); ++r)
      f->SetInput(r, masks[r]);
    f->SetForegroundValue(1);
    f->Update();
    extra << ", \"iterations\": " << f->GetElapsedIterations();
  }
  else if (op == "vote")
  {
    auto f = itk::LabelVotingImageFilter<MaskType, MaskType>::New();
    for (size_t r = 0; r < masks.size(); ++r)
      f->SetInput(r, masks[r]);
    f->Update();
  }
  else if (op == "mstaple")
  {
    auto f = itk::MultiLabelSTAPLEImageFilter<MaskType, MaskType>::New();
    for (size_t r = 0; r < masks.size(); ++r)
      f->SetInput(r, masks[r]);
    f->Update();
    extra << ", \"iterations\": " << f->GetElapsedNumberOfIterations();
  }
  else if (op == "distances")
  {
    auto hd = itk::HausdorffDistanceImageFilter<MaskType, MaskType>::New();
    hd->SetInput1(masks[0]);
    hd->SetInput2(masks[1]);
    hd->SetUseImageSpacing(true);
    hd->Update();
    const auto bm = boundaryMetrics(masks[0], masks[1], 1.0);
    extra << ", \"hausdorff\": " << num(hd->GetHausdorffDistance()) << ", \"hd95\": " << num(bm.hd95)
          << ", \"assd\": " << num(bm.assd);
  }
  else
  {
    std::cerr << "unknown op " << op << "\n";
    return 2;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "{\"seconds\": " << num(seconds) << ", \"peakRssBytes\": " << rssField("VmHWM")
            << ", \"loadedRssBytes\": " << loaded
            << ", \"threads\": " << itk::MultiThreaderBase::GetGlobalDefaultNumberOfThreads()
            << ", \"itk\": \"" << ITK_VERSION_STRING << "\"" << extra.str() << "}\n";
  return 0;
}

int main(int argc, char ** argv)
{
  itk::NiftiImageIOFactory::RegisterOneFactory();
  itk::MetaImageIOFactory::RegisterOneFactory();
  if (argc >= 4 && std::string(argv[1]) == "reference")
  {
    std::vector<std::string> files(argv + 3, argv + argc);
    return reference(static_cast<unsigned char>(std::atoi(argv[2])), files);
  }
  if (argc >= 3 && std::string(argv[1]) == "bench")
    return bench(argv[2], argc - 3, argv + 3);
  std::cerr << "usage: itk_consensus reference <label> <mask>... | bench <op> nx ny nz sx sy sz <raw>...\n";
  return 2;
}
