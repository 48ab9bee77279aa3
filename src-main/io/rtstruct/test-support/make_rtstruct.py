#!/usr/bin/python3
"""Writes an RTSTRUCT (RT Structure Set Storage) over a CT series, for Concord's tests.

usage: make_rtstruct.py <ct-dir> <out.dcm> <spec.json>

spec.json: {"rois": [{"name": str, "color": [r, g, b],
                      "contours": [{"slice": k, "points": [[col, row], ...]}, ...]}, ...],
            "series_uid": optional str (to reference another series),
            "no_series": optional bool (name the Frame of Reference only, no image series),
            "implicit": optional bool (Implicit VR Little Endian, as many planning systems write),
            "frame_of_reference": optional str (another Frame of Reference UID)}
Points are in pixel coordinates of slice k (k in the order of the slices along the normal of their
orientation, i.e. by ImagePositionPatient . (row x column direction)); they are turned into patient
(LPS, mm) coordinates here with the slice's own ImagePositionPatient, ImageOrientationPatient and
PixelSpacing (PS3.3 C.7.6.2.1.1), independently of Concord's geometry code.
"""
import json
import os
import sys

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian, generate_uid

RTSS = "1.2.840.10008.5.1.4.1.1.481.3"


def main(ct_dir, out, spec_file):
    spec = json.load(open(spec_file))
    cts = [pydicom.dcmread(os.path.join(ct_dir, f)) for f in sorted(os.listdir(ct_dir))]
    iop = np.array(cts[0].ImageOrientationPatient, dtype=float)
    normal = np.cross(iop[:3], iop[3:])
    cts.sort(key=lambda d: float(np.dot(normal, np.array(d.ImagePositionPatient, dtype=float))))
    first = cts[0]

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = RTSS
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(out, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.SOPClassUID = RTSS
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "RTSTRUCT"
    ds.PatientName = first.PatientName
    ds.PatientID = first.PatientID
    ds.StudyInstanceUID = first.StudyInstanceUID
    ds.SeriesInstanceUID = generate_uid()
    ds.FrameOfReferenceUID = spec.get("frame_of_reference", first.FrameOfReferenceUID)
    ds.StructureSetLabel = "test"
    ds.StructureSetDate = "20240101"
    ds.StructureSetTime = "120000"

    contour_images = Sequence()
    for ct in cts:
        item = Dataset()
        item.ReferencedSOPClassUID = ct.SOPClassUID
        item.ReferencedSOPInstanceUID = ct.SOPInstanceUID
        contour_images.append(item)
    series = Dataset()
    series.SeriesInstanceUID = spec.get("series_uid", first.SeriesInstanceUID)
    series.ContourImageSequence = contour_images
    study = Dataset()
    study.ReferencedSOPClassUID = "1.2.840.10008.3.1.2.3.1"
    study.ReferencedSOPInstanceUID = first.StudyInstanceUID
    study.RTReferencedSeriesSequence = Sequence([series])
    ref_for = Dataset()
    ref_for.FrameOfReferenceUID = ds.FrameOfReferenceUID
    if not spec.get("no_series"):
        ref_for.RTReferencedStudySequence = Sequence([study])
    ds.ReferencedFrameOfReferenceSequence = Sequence([ref_for])

    rois, roi_contours, observations = Sequence(), Sequence(), Sequence()
    for n, roi in enumerate(spec["rois"], start=1):
        r = Dataset()
        r.ROINumber = n
        r.ReferencedFrameOfReferenceUID = first.FrameOfReferenceUID
        r.ROIName = roi["name"]
        r.ROIGenerationAlgorithm = "MANUAL"
        rois.append(r)
        rc = Dataset()
        rc.ReferencedROINumber = n
        rc.ROIDisplayColor = roi["color"]
        contours = Sequence()
        for c in roi["contours"]:
            ct = cts[c["slice"]]
            ipp = np.array(ct.ImagePositionPatient, dtype=float)
            iop = np.array(ct.ImageOrientationPatient, dtype=float)
            row_spacing, col_spacing = (float(v) for v in ct.PixelSpacing)
            data = []
            for col, row in c["points"]:
                p = ipp + iop[:3] * col_spacing * col + iop[3:] * row_spacing * row
                data += [round(float(v), 4) for v in p]
            item = Dataset()
            img = Dataset()
            img.ReferencedSOPClassUID = ct.SOPClassUID
            img.ReferencedSOPInstanceUID = ct.SOPInstanceUID
            item.ContourImageSequence = Sequence([img])
            item.ContourGeometricType = "CLOSED_PLANAR"
            item.NumberOfContourPoints = len(c["points"])
            item.ContourData = data
            contours.append(item)
        rc.ContourSequence = contours
        roi_contours.append(rc)
        o = Dataset()
        o.ObservationNumber = n
        o.ReferencedROINumber = n
        o.RTROIInterpretedType = "ORGAN"
        o.ROIInterpreter = ""
        observations.append(o)
    ds.StructureSetROISequence = rois
    ds.ROIContourSequence = roi_contours
    ds.RTROIObservationsSequence = observations
    if spec.get("implicit"):
        ds.file_meta.TransferSyntaxUID = ImplicitVRLittleEndian
        ds.is_implicit_VR = True
    ds.save_as(out, write_like_original=False)


if __name__ == "__main__":
    main(*sys.argv[1:4])
