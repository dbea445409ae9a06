<?php
$_['button_video'] = 'Video consultation';
