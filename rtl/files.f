# RTL sources in compile order (package first, leaves, then nic_top). Used by every tool.
rtl/nic_pkg.sv
rtl/nic_fifo.sv
rtl/nic_skid.sv
rtl/nic_csum_pkg.sv
rtl/nic_csum_beat.sv
rtl/nic_toeplitz.sv
rtl/nic_byte_packer.sv
rtl/nic_dma_rd.sv
rtl/nic_dma_wr.sv
rtl/nic_dma.sv
rtl/nic_tx_pkg.sv
rtl/nic_tx_qfifo.sv
rtl/nic_tx_csum.sv
rtl/nic_tx_out.sv
rtl/nic_tx_cpl.sv
rtl/nic_tx_engine.sv
