import { BitWriter, nalUnit, PICTURE_SIZE } from './hevc.ts';

/**
 * Tests only: the HEVC parameter sets (VPS, SPS, PPS; ITU-T H.265 §7.3.2) of the pictures that
 * hevc.ts encodes — Main profile, 4:2:0, 8 bits, 16×16, one 16×16 CTU, PCM on, SAO and
 * deblocking off — and the `hvcC` record (ISO/IEC 14496-15 §8.3.3) that carries them in HEIF.
 */
function profileTierLevel(w: BitWriter): void {
  w.bits(0, 2); // general_profile_space
  w.bit(0); // general_tier_flag
  w.bits(1, 5); // general_profile_idc: Main
  for (let j = 0; j < 32; j++) w.bit(j === 1 || j === 2 ? 1 : 0);
  w.bit(1); // progressive_source
  w.bit(0); // interlaced_source
  w.bit(0); // non_packed_constraint
  w.bit(1); // frame_only_constraint
  w.bits(0, 44); // reserved_zero_43bits + inbld/reserved
  w.bits(LEVEL_IDC, 8);
}

const LEVEL_IDC = 30;

export function vps(): Buffer {
  const w = new BitWriter();
  w.bits(0, 4); // vps_video_parameter_set_id
  w.bit(1); // vps_base_layer_internal_flag
  w.bit(1); // vps_base_layer_available_flag
  w.bits(0, 6); // vps_max_layers_minus1
  w.bits(0, 3); // vps_max_sub_layers_minus1
  w.bit(1); // vps_temporal_id_nesting_flag
  w.bits(0xffff, 16);
  profileTierLevel(w);
  w.bit(0); // vps_sub_layer_ordering_info_present_flag
  w.ue(0); // vps_max_dec_pic_buffering_minus1
  w.ue(0); // vps_max_num_reorder_pics
  w.ue(0); // vps_max_latency_increase_plus1
  w.bits(0, 6); // vps_max_layer_id
  w.ue(0); // vps_num_layer_sets_minus1
  w.bit(0); // vps_timing_info_present_flag
  w.bit(0); // vps_extension_flag
  w.trailing();
  return nalUnit(32, w.bytes);
}

export function sps(): Buffer {
  const w = new BitWriter();
  w.bits(0, 4); // sps_video_parameter_set_id
  w.bits(0, 3); // sps_max_sub_layers_minus1
  w.bit(1); // sps_temporal_id_nesting_flag
  profileTierLevel(w);
  w.ue(0); // sps_seq_parameter_set_id
  w.ue(1); // chroma_format_idc: 4:2:0
  w.ue(PICTURE_SIZE); // pic_width_in_luma_samples
  w.ue(PICTURE_SIZE); // pic_height_in_luma_samples
  w.bit(0); // conformance_window_flag
  w.ue(0); // bit_depth_luma_minus8
  w.ue(0); // bit_depth_chroma_minus8
  w.ue(0); // log2_max_pic_order_cnt_lsb_minus4
  w.bit(0); // sps_sub_layer_ordering_info_present_flag
  w.ue(0);
  w.ue(0);
  w.ue(0);
  w.ue(1); // log2_min_luma_coding_block_size_minus3: 16
  w.ue(0); // log2_diff_max_min_luma_coding_block_size: CTB 16
  w.ue(0); // log2_min_luma_transform_block_size_minus2: 4
  w.ue(2); // log2_diff_max_min_luma_transform_block_size: 16
  w.ue(0); // max_transform_hierarchy_depth_inter
  w.ue(0); // max_transform_hierarchy_depth_intra
  w.bit(0); // scaling_list_enabled_flag
  w.bit(0); // amp_enabled_flag
  w.bit(0); // sample_adaptive_offset_enabled_flag
  w.bit(1); // pcm_enabled_flag
  w.bits(7, 4); // pcm_sample_bit_depth_luma_minus1
  w.bits(7, 4); // pcm_sample_bit_depth_chroma_minus1
  w.ue(1); // log2_min_pcm_luma_coding_block_size_minus3: 16
  w.ue(0); // log2_diff_max_min_pcm_luma_coding_block_size
  w.bit(1); // pcm_loop_filter_disabled_flag
  w.ue(0); // num_short_term_ref_pic_sets
  w.bit(0); // long_term_ref_pics_present_flag
  w.bit(0); // sps_temporal_mvp_enabled_flag
  w.bit(0); // strong_intra_smoothing_enabled_flag
  w.bit(0); // vui_parameters_present_flag
  w.bit(0); // sps_extension_present_flag
  w.trailing();
  return nalUnit(33, w.bytes);
}

export function pps(): Buffer {
  const w = new BitWriter();
  w.ue(0); // pps_pic_parameter_set_id
  w.ue(0); // pps_seq_parameter_set_id
  w.bit(0); // dependent_slice_segments_enabled_flag
  w.bit(0); // output_flag_present_flag
  w.bits(0, 3); // num_extra_slice_header_bits
  w.bit(0); // sign_data_hiding_enabled_flag
  w.bit(0); // cabac_init_present_flag
  w.ue(0); // num_ref_idx_l0_default_active_minus1
  w.ue(0); // num_ref_idx_l1_default_active_minus1
  w.se(0); // init_qp_minus26
  w.bit(0); // constrained_intra_pred_flag
  w.bit(0); // transform_skip_enabled_flag
  w.bit(0); // cu_qp_delta_enabled_flag
  w.se(0); // pps_cb_qp_offset
  w.se(0); // pps_cr_qp_offset
  w.bit(0); // pps_slice_chroma_qp_offsets_present_flag
  w.bit(0); // weighted_pred_flag
  w.bit(0); // weighted_bipred_flag
  w.bit(0); // transquant_bypass_enabled_flag
  w.bit(0); // tiles_enabled_flag
  w.bit(0); // entropy_coding_sync_enabled_flag
  w.bit(0); // pps_loop_filter_across_slices_enabled_flag
  w.bit(1); // deblocking_filter_control_present_flag
  w.bit(0); // deblocking_filter_override_enabled_flag
  w.bit(1); // pps_deblocking_filter_disabled_flag
  w.bit(0); // pps_scaling_list_data_present_flag
  w.bit(0); // lists_modification_present_flag
  w.ue(0); // log2_parallel_merge_level_minus2
  w.bit(0); // slice_segment_header_extension_present_flag
  w.bit(0); // pps_extension_present_flag
  w.trailing();
  return nalUnit(34, w.bytes);
}

export function hvcCPayload(): Buffer {
  const head = Buffer.from([
    1, // configurationVersion
    0x01, // profile_space 0, tier 0, profile_idc 1
    0x60,
    0,
    0,
    0, // profile compatibility: Main, Main 10
    0x90,
    0,
    0,
    0,
    0,
    0, // progressive, frame-only
    LEVEL_IDC,
    0xf0,
    0x00, // min_spatial_segmentation_idc 0
    0xfc, // parallelismType 0
    0xfd, // chroma_format_idc 1
    0xf8, // bit_depth_luma_minus8 0
    0xf8, // bit_depth_chroma_minus8 0
    0,
    0, // avgFrameRate
    0x0f, // constantFrameRate 0, numTemporalLayers 1, temporalIdNested 1, lengthSizeMinusOne 3
  ]);
  const arrays = [vps(), sps(), pps()].map((nal) => {
    const entry = Buffer.alloc(5);
    entry.writeUInt8(0x80 | ((nal[0] ?? 0) >> 1), 0); // array_completeness, NAL type
    entry.writeUInt16BE(1, 1);
    entry.writeUInt16BE(nal.length, 3);
    return Buffer.concat([entry, nal]);
  });
  return Buffer.concat([head, Buffer.from([arrays.length]), ...arrays]);
}
