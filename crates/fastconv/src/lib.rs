//! fastconv: faster CPU kernels for the small convolutional networks that
//! liveness-coach runs through tract (MediaPipe's face detector, mesh and
//! iris models), swapped in by a graph rewrite between tract's declutter and
//! optimise passes. tract stays the engine: parsing, graph and plan.
//!
//! - [`net`]: load an ONNX network for a fixed input shape and run it
//!   ([`net::Net`]), with the faster operators in place.
//! - [`fast_ops`]: the rewrite that picks which tract operators to replace.
//! - [`pointwise`] (1x1 convolutions, bias, residual and PReLU fused),
//!   [`conv`] (dense convolutions on the same kernel), [`window`] (depthwise
//!   convolution and max-pool), [`prelu`] (PReLU in one pass): the operators.
//! - [`cpu`]: which instruction set the kernels use, decided once at run time.
//!
//! `unsafe` is confined to the AVX2/AVX-512 kernels; README.md states the
//! rules they keep and how they are tested.

pub mod conv;
pub mod cpu;
pub mod fast_ops;
pub mod net;
pub mod pointwise;
#[cfg(target_arch = "x86_64")]
mod pointwise_avx2;
#[cfg(target_arch = "x86_64")]
mod pointwise_avx512;
pub mod prelu;
pub mod window;
#[cfg(target_arch = "x86_64")]
mod window_avx512;
